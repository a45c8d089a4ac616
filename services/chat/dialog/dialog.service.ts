import { appError } from '../../../shared/errors/index.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import type { Redactor } from '../../../shared/privacy/index.ts';
import type { Prediction } from '../classify/index.ts';
import { closestLabels } from '../feedback/closest-labels.ts';
import type { FeedbackRepository, IntentFeedback } from '../feedback/feedback.repository.ts';
import { fillTemplate } from '../kb/answer-template.ts';
import type { KbService } from '../kb/kb.service.ts';
import type { ChatModels } from '../models/chat-models.ts';
import { sentimentLabel } from '../models/sentiment-label.ts';
import type { SessionState, SessionStore, Source, Turn } from '../sessions/session-store.ts';
import { decide, type Decision, type DialogAction, type DialogReason, type PolicyRules, type SentimentLabel } from './dialog-policy.ts';
import { normalizeMessage } from './normalize.ts';
import { clarifyReply, handoffReply, recommendReply, smallTalkReply } from './replies.ts';
import type { SmallTalk } from './small-talk.ts';
import { terms } from '../../../shared/search/text-terms.ts';
import { asksForSimilar, extractPatternSlots, productQuery, productSlot, suggestionQuery, type ProductHit, type Slots } from './slot-extractor.ts';
import { placeholderValues, storedSlots } from './slot-values.ts';

/** The catalog as the dialog sees it (the recommend service, called in process). */
export interface ProductPort {
  search(query: string, k: number): Promise<ProductHit[]>;
  recommendFor(userId: string, k: number): Promise<ProductHit[]>;
  /** Items like `itemId`, never itself; empty when the catalog no longer has it. */
  similarTo(itemId: string, k: number): Promise<ProductHit[]>;
}

export interface DialogOptions {
  rules: PolicyRules;
  /** Alternatives returned with each intent. */
  topK: number;
  negativeMinConfidence: number;
  asksForHuman: (text: string) => boolean;
  asksForSuggestions: (text: string) => boolean;
  /** The message without the phrases asksForSuggestions finds. */
  withoutSuggestionPhrases: (text: string) => string;
  smallTalk: (text: string) => SmallTalk | undefined;
  recommendK: number;
  productMinMatch: number;
  templateValues: Readonly<Record<string, string>>;
}

export interface DialogDeps {
  sessions: SessionStore;
  models: ChatModels;
  kb: KbService;
  products?: ProductPort;
  feedback: FeedbackRepository;
  log: Logger;
  /** Masks personal data in what is stored: transcript turns and feedback texts (PII_REDACT). */
  redact: Redactor;
}

export interface MessageReply {
  session_id: string;
  message_index: number;
  reply: string;
  action: DialogAction;
  reason: DialogReason;
  intent: string;
  confidence: number;
  alternatives: Array<{ intent: string; confidence: number }>;
  sentiment: { label: SentimentLabel; confidence: number };
  /** Everything the session knows so far (this message's slots over earlier ones). */
  slots: Slots;
  sources: Source[];
}

/** Product hits asked of the catalog per message: enough to spot a product and to suggest some. */
const PRODUCT_DEPTH = 5;
/** Attempts when concurrent messages to one session keep colliding. */
const ATTEMPTS = 5;

const notFound = (id: string) => appError('CHAT_SESSION_NOT_FOUND', `no chat session "${id}" (unknown, or expired)`, { session_id: id });

/**
 * A message may give a session without a user its user (a customer who logs in mid-chat), never
 * move it to another: the session is indexed under its user for export and erasure, and one
 * user's transcript must not turn up in another's.
 */
function sameUser(id: string, state: SessionState, userId: string | undefined): void {
  if (userId === undefined || state.user_id === null || state.user_id === userId) return;
  throw appError('CHAT_SESSION_USER_MISMATCH', `session "${id}" belongs to another user; start a new session for user "${userId}"`, { session_id: id });
}

/**
 * `negative` or `positive` when the sentiment model is sure enough, else `neutral`. Negative
 * also needs the model's `negativeThreshold` when it has one (calibrated so that few ordinary
 * support messages reach it, see negative-threshold.ts).
 */
export function sentimentOf(p: Prediction, minConfidence: number, negativeThreshold = 0): { label: SentimentLabel; confidence: number } {
  const top = p.top[0];
  if (!top) return { label: 'neutral', confidence: 0 };
  const label = sentimentLabel(top.label);
  const needed = label === 'negative' ? Math.max(minConfidence, negativeThreshold) : minConfidence;
  if (top.confidence < needed || (label !== 'negative' && label !== 'positive')) return { label: 'neutral', confidence: top.confidence };
  return { label, confidence: top.confidence };
}

/**
 * One customer message, end to end: normalise → intent (top-k, calibrated) → sentiment →
 * slots (patterns, and products via the catalog search) → policy → reply (a knowledge base
 * answer with its placeholders filled, a clarifying question, product suggestions, or a
 * hand-off) → the turn and the new state written to the session atomically.
 */
export class DialogService {
  constructor(
    private readonly deps: DialogDeps,
    private readonly opts: DialogOptions,
  ) {}

  async createSession(userId?: string): Promise<{ session_id: string; expires_in: number }> {
    const now = Date.now();
    const state: SessionState = {
      user_id: userId ?? null,
      slots: {},
      turns: 0,
      handoffs: 0,
      low_confidence_streak: 0,
      recent_sentiment: [],
      created_at: now,
      updated_at: now,
    };
    const id = await this.deps.sessions.create(state);
    return { session_id: id, expires_in: this.deps.sessions.ttlSeconds };
  }

  async transcript(id: string): Promise<{ session_id: string; user_id: string | null; created_at: number; updated_at: number; slots: Slots; turns: Turn[] }> {
    const [state, turns] = await Promise.all([this.deps.sessions.load(id), this.deps.sessions.transcript(id)]);
    if (!state || !turns) throw notFound(id);
    return { session_id: id, user_id: state.user_id, created_at: state.created_at, updated_at: state.updated_at, slots: state.slots, turns };
  }

  async message(id: string, input: { text: string; user_id?: string }): Promise<MessageReply> {
    const text = normalizeMessage(input.text);
    if (!text) throw appError('VALIDATION_FAILED', 'body.text: the message is empty once normalised');
    let state = await this.deps.sessions.load(id);
    if (!state) throw notFound(id);
    sameUser(id, state, input.user_id);

    const [[intent], judged] = await Promise.all([this.deps.models.predictIntents([text], this.opts.topK), this.deps.models.sentiment([text])]);
    const sentiment = sentimentOf(judged.predictions[0]!, this.opts.negativeMinConfidence, judged.negativeThreshold);
    const named = productQuery(text);
    const products = await this.searchProducts(named);
    const found = extractPatternSlots(text);
    const product = productSlot(named, products, this.opts.productMinMatch);
    if (product) found.product = product;
    const signals = {
      intent: intent!,
      sentiment: sentiment.label,
      asksForHuman: this.opts.asksForHuman(text),
      asksForSuggestions: this.opts.asksForSuggestions(text),
      smallTalk: this.opts.smallTalk(text),
    };

    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        state = await this.deps.sessions.load(id);
        if (!state) throw notFound(id);
        sameUser(id, state, input.user_id);
      }
      const userId = input.user_id ?? state.user_id;
      const slots: Slots = { ...state.slots, ...found };
      const decision = decide(state, signals, this.opts.rules);
      const out = await this.respond(decision, text, intent!, slots, userId ?? `chat-session:${id}`, product);
      const now = Date.now();
      // the reply is built from the raw message and slots; the transcript keeps them masked
      const stored = this.deps.redact(input.text.trim());
      const turn: Turn = {
        index: state.turns,
        at: now,
        text: stored,
        reply: this.deps.redact(out.reply),
        action: out.action,
        reason: out.reason,
        intent: intent!.label,
        confidence: intent!.confidence,
        alternatives: intent!.top.map((t) => ({ intent: t.label, confidence: t.confidence })),
        sentiment,
        slots: storedSlots(found, stored, this.deps.redact.kinds.length > 0),
        sources: out.sources,
      };
      const memory = out.action === 'handoff' ? { low_confidence_streak: 0, recent_sentiment: [] } : decision.memory;
      const next: SessionState = {
        ...state,
        ...memory,
        user_id: userId,
        slots,
        turns: state.turns + 1,
        handoffs: state.handoffs + (out.action === 'handoff' ? 1 : 0),
        updated_at: now,
      };
      const written = await this.deps.sessions.append(id, state.turns, next, turn);
      if (written === 'missing') throw notFound(id);
      if (written === 'ok') {
        // the session just got its user: corrections made before now belong to that user too
        if (state.user_id === null && userId) await this.deps.feedback.assignUser(id, userId);
        // as stored: masked (and the logger masks every line again)
        this.deps.log.debug({ session_id: id, message_index: turn.index, intent: turn.intent, action: turn.action, text: turn.text, reply: turn.reply }, 'chat message');
        const { index, at: _at, text: _text, reply: _stored, slots: _own, ...rest } = turn;
        return { session_id: id, message_index: index, ...rest, reply: out.reply, slots };
      }
    }
    throw appError('CHAT_SESSION_CONFLICT', `session "${id}" kept changing under concurrent messages; send the message again`, { session_id: id });
  }

  /** Records the intent a message should have had; the next intent training run learns it. */
  async feedback(sessionId: string, messageIndex: number, intent: string, opts: { newIntent?: boolean } = {}): Promise<IntentFeedback> {
    if (!opts.newIntent) await this.checkKnownIntent(intent);
    const [state, turns] = await Promise.all([this.deps.sessions.load(sessionId), this.deps.sessions.transcript(sessionId)]);
    if (!state || !turns) throw notFound(sessionId);
    const turn = turns[messageIndex];
    if (!turn) {
      throw appError('CHAT_MESSAGE_NOT_FOUND', `session "${sessionId}" has ${turns.length} messages; there is no message ${messageIndex}`, { session_id: sessionId, message_index: messageIndex });
    }
    // the turn is stored masked; masking again covers turns stored before masking was configured
    const text = this.deps.redact(normalizeMessage(turn.text));
    const recorded = await this.deps.feedback.record({ session_id: sessionId, message_index: messageIndex, text, predicted_intent: turn.intent, intent, user_id: state.user_id });
    // the session erased while this was being written (its user's data deleted): the
    // correction must not outlive it
    if (!(await this.deps.sessions.load(sessionId))) {
      await this.deps.feedback.deleteOne(sessionId, messageIndex);
      throw notFound(sessionId);
    }
    return recorded;
  }

  /**
   * A correction must name an intent the model in service or an earlier correction knows, or be
   * marked new: a typo would otherwise become a class of its own at the next training. With no
   * intent model in service there is nothing to check against.
   */
  private async checkKnownIntent(intent: string): Promise<void> {
    const labels = this.deps.models.intentLabels();
    if (!labels || labels.includes(intent) || (await this.deps.feedback.hasIntent(intent))) return;
    const closest = closestLabels(intent, labels);
    const hint = closest.length > 0 ? `did you mean ${closest.map((l) => `"${l}"`).join(' or ')}? ` : '';
    throw appError(
      'CHAT_UNKNOWN_INTENT',
      `the intent model in service has no intent "${intent}"; ${hint}send "new_intent": true to add it as a new intent`,
      { intent, closest },
    );
  }

  /** Items like a product; a catalog that is not ready (or fails) only means none. */
  private async similarProducts(itemId: string): Promise<ProductHit[]> {
    if (!this.deps.products) return [];
    try {
      return await this.deps.products.similarTo(itemId, this.opts.recommendK);
    } catch (err) {
      this.deps.log.warn({ err, item_id: itemId }, 'similar items failed; suggesting from the search instead');
      return [];
    }
  }

  /** Catalog hits for the message; a catalog that is not ready (or fails) only means no product slot. */
  private async searchProducts(text: string): Promise<ProductHit[]> {
    if (!this.deps.products || !text.trim()) return [];
    try {
      return await this.deps.products.search(text, Math.max(PRODUCT_DEPTH, this.opts.recommendK));
    } catch (err) {
      this.deps.log.warn({ err }, 'catalog search failed; no product slot for this message');
      return [];
    }
  }

  private async respond(
    d: Decision,
    text: string,
    intent: Prediction,
    slots: Slots,
    userId: string,
    /** The product this message names, if any. */
    named: Slots['product'],
  ): Promise<{ action: DialogAction; reason: DialogReason; reply: string; sources: Source[] }> {
    switch (d.action) {
      case 'clarify':
        return { action: 'clarify', reason: d.reason, reply: clarifyReply(d.options!), sources: [] };
      case 'handoff':
        return { action: 'handoff', reason: d.reason, reply: handoffReply(d.reason), sources: [] };
      case 'recommend': {
        // "something like X": items like the product it names, not X again; else the products
        // the request names, searched without its words of asking
        const like = named && asksForSimilar(text) ? named : undefined;
        let items = like ? await this.similarProducts(like.id) : [];
        if (items.length === 0) {
          const asked = suggestionQuery(text, this.opts.withoutSuggestionPhrases);
          const hits = asked === '' ? [] : await this.searchProducts(asked);
          items = hits.filter((p) => p.lexical && p.id !== like?.id).slice(0, this.opts.recommendK);
        }
        if (items.length === 0 && this.deps.products) items = await this.deps.products.recommendFor(userId, this.opts.recommendK);
        return {
          action: 'recommend',
          reason: d.reason,
          reply: recommendReply(items),
          sources: items.map((p) => ({ kind: 'product', id: p.id, title: p.title, price: p.price, ...(p.reason ? { reason: p.reason } : {}) })),
        };
      }
      case 'answer': {
        if (d.smallTalk) return { action: 'answer', reason: d.reason, reply: smallTalkReply(d.smallTalk), sources: [] };
        const entry = await this.answerFor(text, intent.label);
        if (!entry) return { action: 'handoff', reason: 'no_answer', reply: handoffReply('no_answer'), sources: [] };
        const filled = fillTemplate(entry.answer, placeholderValues(slots, this.opts.templateValues));
        return { action: 'answer', reason: d.reason, reply: filled.text, sources: [{ kind: 'kb', id: entry.id, intent: entry.intent, unfilled: filled.unfilled }] };
      }
    }
  }

  /**
   * The knowledge base entry that answers: the best of the intent's entries for this wording,
   * else an intent-less FAQ entry sharing words with the message. Never another intent's entry.
   */
  private async answerFor(text: string, intent: string) {
    const kb = this.deps.kb;
    const own = kb.index.withIntent(intent);
    if (own.length === 1) return own[0];
    if (own.length > 1) return (await kb.search(text, 1, (e) => e.intent === intent))[0]?.entry ?? own[0];
    // an entry without an intent answers only a message that one of its questions words: at
    // least half of the message's words (a single shared word, "order", is no answer)
    const [hit] = await kb.search(text, 1, (e) => e.intent === null);
    if (!hit?.matched.includes('lexical')) return undefined;
    const said = new Set(terms(text));
    const covers = (question: string) => {
      const asked = new Set(terms(question));
      return said.size > 0 && [...said].filter((w) => asked.has(w)).length * 2 >= said.size;
    };
    return hit.entry.questions.some(covers) ? hit.entry : undefined;
  }
}
