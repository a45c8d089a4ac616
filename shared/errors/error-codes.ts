/**
 * Every error code Affinity returns, with its HTTP status and default message.
 * Codes are stable: clients branch on them. Add new ones here and document them in
 * docs/errors.md (a test checks that every code is documented).
 */
export const ERROR_CODES = {
  // generic HTTP
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The route does not take this method' },
  METHOD_NOT_IMPLEMENTED: { status: 501, message: 'The server does not know this HTTP method' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP/1.1' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the server accepts' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  INTERNAL: { status: 500, message: 'Internal error' },
  NOT_READY: { status: 503, message: 'The service is starting and not ready yet' },

  // authentication, scopes, rate limits
  AUTH_REQUIRED: { status: 401, message: 'this route needs an API key (Authorization: Bearer <key>)' },
  AUTH_INVALID_KEY: { status: 401, message: 'the API key is not valid (unknown, revoked or mistyped)' },
  AUTH_FORBIDDEN: { status: 403, message: 'the API key lacks the scope this route needs' },
  RATE_LIMITED: { status: 429, message: 'too many requests for this key in the current minute; retry after Retry-After seconds' },
  API_KEY_NOT_FOUND: { status: 404, message: 'no API key with that id' },

  // configuration (raised at boot, never over HTTP)
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid' },

  // embeddings
  EMBED_INPUT_EMPTY: { status: 400, message: 'input must contain at least one non-empty string' },
  EMBED_TOO_MANY_INPUTS: { status: 400, message: 'input has more strings than allowed in one request' },
  EMBED_INPUT_TOO_LONG: { status: 400, message: 'an input string is longer than allowed' },
  EMBED_MODEL_UNKNOWN: { status: 400, message: 'no such embedding model is served here' },
  EMBED_DIMENSIONS_UNSUPPORTED: { status: 400, message: 'this model cannot return the requested number of dimensions' },
  EMBED_MODEL_NOT_LOADED: { status: 503, message: 'the embedding model is not loaded yet' },
  EMBED_MODEL_NOT_FOUND: { status: 500, message: 'the embedding model could not be found' },
  EMBED_MODEL_DOWNLOAD_FAILED: { status: 502, message: 'the embedding model could not be downloaded' },
  EMBED_MODEL_INVALID: { status: 500, message: 'the embedding model folder is not a usable encoder' },
  EMBED_DEVICE_UNAVAILABLE: { status: 500, message: 'the requested execution provider is not available' },
  EMBED_INFERENCE_FAILED: { status: 500, message: 'the encoder failed to run' },
  EMBED_OVERLOADED: { status: 503, message: 'too many texts are waiting to be embedded; retry later' },

  // storage
  STORAGE_FAILED: { status: 500, message: 'the database failed' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'the database cannot be reached or is busy; try again' },

  // observability
  METRICS_UNAVAILABLE: { status: 503, message: "the metrics of the API's other processes could not be collected; retry" },

  // catalog and events
  ITEM_NOT_FOUND: { status: 404, message: 'no such item' },
  ITEM_NOT_INDEXED: { status: 503, message: 'the item is stored but not indexed yet; retry in a moment' },
  ITEMS_BATCH_TOO_LARGE: { status: 400, message: 'too many items in one batch' },
  EVENTS_BATCH_TOO_LARGE: { status: 400, message: 'too many events in one batch' },
  EVENT_ITEM_UNKNOWN: { status: 400, message: 'an event refers to an item that is not in the catalog' },
  DUPLICATE_ID_IN_BATCH: { status: 400, message: 'the same id appears twice in one batch' },
  EVENT_TIMESTAMP_IN_FUTURE: { status: 400, message: "an event's timestamp is too far ahead of the server's clock" },

  // queues and jobs
  QUEUE_UNAVAILABLE: { status: 503, message: 'the job queue (Redis) is not reachable; retry later' },
  JOB_UNKNOWN: { status: 400, message: 'no such job name' },
  JOB_NOT_FOUND: { status: 404, message: 'no job with that id' },
  JOB_WAIT_TIMEOUT: { status: 504, message: 'the job did not finish within the time waited for it' },
  CATALOG_INDEX_REBUILD_FAILED: { status: 500, message: 'not every API process rebuilt its catalog index' },

  // model registry
  REGISTRY_INVALID_NAME: { status: 400, message: 'not a valid model kind or version name' },
  REGISTRY_VERSION_NOT_FOUND: { status: 404, message: 'no such model version' },
  REGISTRY_VERSION_IN_SERVICE: { status: 409, message: 'that model version is in service' },
  REGISTRY_BUSY: { status: 503, message: 'another process kept the model registry locked; try again' },
  REGISTRY_VERSION_CORRUPT: { status: 500, message: 'a file of that model version is missing or does not match its checksum' },

  // model generator
  MODEL_SHAPE_UNKNOWN: { status: 400, message: 'unknown model shape' },
  MODEL_TOKENIZER_NOT_FOUND: { status: 400, message: 'the tokenizer folder for this shape was not found' },

  // recommendation models and their offline evaluation
  EVAL_DATASET_NOT_FOUND: { status: 400, message: 'the evaluation data set folder or one of its files was not found' },
  EVAL_DATASET_INVALID: { status: 400, message: 'the evaluation data set could not be parsed' },
  RECOMMENDER_NO_INTERACTIONS: { status: 400, message: 'there are no interactions to train a recommender on' },
  RECOMMENDER_ARTIFACT_INVALID: { status: 500, message: 'the trained recommender artefact is incomplete or corrupt' },

  // text classifiers (intents, sentiment)
  CLASSIFIER_TRAINING_DATA_INVALID: { status: 400, message: 'the labelled examples cannot train a classifier' },
  CLASSIFIER_EMBEDDER_REQUIRED: { status: 500, message: 'this classifier uses embeddings but no embedding function was given' },
  CLASSIFIER_MODEL_INVALID: { status: 500, message: 'the classifier model folder is incomplete or corrupt' },

  // redis
  REDIS_UNAVAILABLE: { status: 503, message: 'Redis is unavailable; retry later' },

  // chat: knowledge base, sessions, dialog
  KB_ENTRY_NOT_FOUND: { status: 404, message: 'no such knowledge base entry' },
  KB_BATCH_TOO_LARGE: { status: 400, message: 'too many knowledge base entries in one batch' },
  KB_IMPORT_INVALID: { status: 400, message: 'the file cannot be imported as a knowledge base' },
  CHAT_MODEL_NOT_LOADED: { status: 503, message: 'the intent or sentiment model is not loaded yet' },
  CHAT_SESSION_NOT_FOUND: { status: 404, message: 'no such chat session (unknown or expired)' },
  CHAT_MESSAGE_NOT_FOUND: { status: 404, message: 'the session has no message with that index' },
  CHAT_UNKNOWN_INTENT: { status: 400, message: 'the intent is not one the model knows; set new_intent to add one' },
  CHAT_SESSION_CONFLICT: { status: 409, message: 'the session was changed by concurrent messages; retry' },
  CHAT_SESSION_USER_MISMATCH: { status: 409, message: 'the session belongs to another user' },
  CHAT_TRAINING_DATA_NOT_FOUND: { status: 500, message: 'the labelled data to train a chat model on was not found' },

  // vector indexes
  VECTOR_DIM_MISMATCH: { status: 400, message: 'the vector does not have the dimension of the index' },
  VECTOR_NOT_FINITE: { status: 400, message: 'a vector component is not a finite number' },
  VECTOR_ID_EXISTS: { status: 409, message: 'the id is already in the vector index' },
  VECTOR_INDEX_BUSY: { status: 503, message: 'the vector index is being saved; retry the change' },
  VECTOR_INDEX_DISPOSED: { status: 500, message: 'the vector index has been disposed' },
  VECTOR_INDEX_NOT_FOUND: { status: 500, message: 'no saved vector index was found' },
  VECTOR_INDEX_CORRUPT: { status: 500, message: 'the saved vector index is damaged or inconsistent' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
