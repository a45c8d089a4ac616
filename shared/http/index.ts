export { createApp, type AppOptions, type ReadinessCheck } from './create-app.ts';
export { errorMiddleware, notFoundHandler } from './error-middleware.ts';
export { parseOr400 } from './validate.ts';
