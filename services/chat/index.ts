// Public surface of the chat service; other modules import only from here.
export { createChat, type ChatModule, type ChatDeps } from './create-chat.ts';
export { chatMigrations } from './chat.migrations.ts';
export type { ProductPort, MessageReply } from './dialog/dialog.service.ts';
export { FeedbackRepository, type IntentFeedback, type UserFeedback } from './feedback/feedback.repository.ts';
export type { ChatExport, ExportedSession } from './chat-personal-data.ts';
export type { ProductHit, Slots } from './dialog/slot-extractor.ts';
export { KbRepository } from './kb/kb.repository.ts';
export { importBitextKb, kbEntriesFromBitext, type BitextKbOptions } from './kb/import-bitext.ts';
export { INTENTS_KIND, SENTIMENT_KIND, type ChatModelKind } from './models/chat-model-kinds.ts';
export { intentTrainingExamples, readTrainingExamples, chatTrainingSource } from './models/training-data.ts';
export { trainChatModel, type TrainChatModelResult } from './models/train-chat-model.ts';
export { evenSample, REFERENCE_SAMPLE } from './models/negative-threshold.ts';
export { trainChatModelJob } from './jobs/train-chat-model.job.ts';
