export { createApp, type AppOptions, type ReadinessCheck } from './create-app.ts';
export { accessGate, type AccessControl } from './access-gate.ts';
export { ApiRoutes, isApiRoutes, type HttpMethod, type ResponseDoc, type RouteDefinition, type RouteDoc, type SecurityRequirement, type UndocumentedReason, type UndocumentedRoute } from './api-routes.ts';
export { errorBody, openApiDocument, openApiPath, routeErrors, type OpenApiDocument, type OpenApiOptions, type SecurityScheme } from './openapi-document.ts';
export { DOCS_PATH, OPENAPI_PATH } from './openapi.routes.ts';
export { errorMiddleware, notFoundHandler } from './error-middleware.ts';
export { parseOr400 } from './validate.ts';
export { entityId, isWellFormedUnicode, queryNumber, wellFormed } from './text-schemas.ts';
export { clientErrorAnswer, createHttpServer } from './http-server.ts';
