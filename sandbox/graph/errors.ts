/** Graph-shaped errors: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges to complete the operation.';

export const forbidden = (): GraphHttpError =>
  new GraphHttpError(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
export const badRequest = (message: string, code = 'Request_BadRequest'): GraphHttpError =>
  new GraphHttpError(400, code, message);
export const notFound = (id: string): GraphHttpError =>
  new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
export const unsupportedQuery = (message = 'Unsupported Query.'): GraphHttpError =>
  new GraphHttpError(400, 'Request_UnsupportedQuery', message);

export function errorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
  date: string,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: { date, 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}
