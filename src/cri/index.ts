export * from './proto.js';
export * from './status.js';
export * from './types.js';
export * from './endpoint.js';
export { createCriClient, type CriClient, type CriClientOptions } from './client.js';
export { startCriServer, type CriServer, type CriServerOptions } from './server.js';
export { CALL_ID_METADATA, clientTraceInterceptor } from './client-interceptor.js';
export { serverTraceInterceptor } from './server-interceptor.js';
export { sizeMessage, messageTypeName } from './message-size.js';
