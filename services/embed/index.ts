// Public surface of the embedding service; other services import only from here.
export { EmbedService, type EmbedResult, type EmbedServiceOptions } from './embed-service.ts';
export { Encoder, type EncoderInfo, type EncoderOptions } from './encoder.ts';
export { resolveModel, miniLmTokenizerDir, type ResolvedModel } from './model-source.ts';
export { embeddingsRouter } from './embeddings.routes.ts';
export { itemText, userVector, DEFAULT_ITEM_TEMPLATE, type ItemText, type WeightedInteraction } from './entity-embedding.ts';
export { supportedProviders, type DeviceChoice, type Provider } from './onnx-backend.ts';
export { createEmbedding, type EmbeddingModule } from './create-embedding.ts';
export { textHash, vectorSpace } from './vector-space.ts';
