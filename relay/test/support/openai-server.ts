// A local server implementing the OpenAI chat completions contract, for the real openai SDK to
// talk to in tests: POST /v1/chat/completions (and Azure's deployment-scoped path) with a
// strict json_schema response_format, answered with a proper chat.completion object and
// usage. What it answers is decided per request by the test's responder, from the request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatMessage = { role: string; content: string };
export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  /** The request path, e.g. /v1/chat/completions or /openai/deployments/x/chat/completions. */
  path: string;
};

/** What the "model" does with one request. */
export type Reply =
  | { content: string }
  | { refusal: string }
  | { finishReason: 'length' | 'content_filter'; content: string }
  | { status: number; message: string; headers?: Record<string, string> }
  | { delayMs: number; then: Reply };

export type Responder = (request: ChatRequest, index: number) => Reply | Promise<Reply>;

export type OpenAiServer = { url: string; requests: ChatRequest[]; close(): Promise<void> };

/** Rough token count, the way a tokenizer would see English: about four characters a token. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, message: string, type: string, headers?: Record<string, string>) {
  send(res, status, { error: { message, type, param: null, code: null } }, headers);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Strict mode requires every property listed as required and no additional properties, at every level. */
function strictProblems(schema: unknown, at = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const problems: string[] = [];
  if (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) {
    const properties = Object.keys((node.properties as Record<string, unknown>) ?? {});
    const required = (node.required as string[]) ?? [];
    if (node.additionalProperties !== false) problems.push(`${at}: additionalProperties must be false`);
    for (const p of properties) if (!required.includes(p)) problems.push(`${at}.${p}: must be required in strict mode`);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, child] of Object.entries(value)) problems.push(...strictProblems(child, `${at}.${name}`));
    } else if (key === 'items' || key === 'anyOf' || key === 'definitions' || key === '$defs') {
      for (const child of Array.isArray(value) ? value : [value]) problems.push(...strictProblems(child, at));
    }
  }
  return problems;
}

async function answer(res: ServerResponse, request: ChatRequest, reply: Reply) {
  if ('delayMs' in reply) {
    await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed || res.writableEnded) return;
    return answer(res, request, reply.then);
  }
  if ('status' in reply) return error(res, reply.status, reply.message, reply.status === 429 ? 'rate_limit_exceeded' : 'server_error', reply.headers);
  const content = 'content' in reply ? reply.content : null;
  const refusal = 'refusal' in reply ? reply.refusal : null;
  const promptTokens = request.messages.reduce((n, m) => n + tokens(m.content) + 4, 3);
  const completionTokens = tokens(content ?? refusal ?? '');
  send(res, 200, {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal, annotations: [] },
        logprobs: null,
        finish_reason: 'finishReason' in reply ? reply.finishReason : 'stop',
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    system_fingerprint: 'fp_local',
  });
}

export async function startOpenAiServer(responder: Responder): Promise<OpenAiServer> {
  const requests: ChatRequest[] = [];
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || !/^(?:\/v1|\/openai\/deployments\/[^/]+)\/chat\/completions$/.test(path)) {
      return error(res, 404, `Unknown request URL: ${req.method} ${path}`, 'invalid_request_error');
    }
    const azure = path.startsWith('/openai/');
    const credential = azure ? req.headers['api-key'] : req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (!credential) return error(res, 401, 'You did not provide an API key.', 'invalid_request_error');
    if (azure && !new URL(req.url ?? '', 'http://x').searchParams.get('api-version')) return error(res, 404, 'api-version is required', 'invalid_request_error');
    let parsed: Omit<ChatRequest, 'path'>;
    try {
      parsed = JSON.parse(await body(req));
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    if (typeof parsed.model !== 'string' || !Array.isArray(parsed.messages) || parsed.messages.length === 0) {
      return error(res, 400, "Missing required parameter: 'model' or 'messages'.", 'invalid_request_error');
    }
    const format = parsed.response_format;
    if (format?.type === 'json_schema') {
      const problems = format.json_schema?.strict ? strictProblems(format.json_schema.schema) : [];
      if (!format.json_schema?.name || !format.json_schema.schema || problems.length) {
        return error(res, 400, `Invalid schema for response_format: ${problems.join('; ') || 'name and schema are required'}`, 'invalid_request_error');
      }
    }
    const request: ChatRequest = { ...parsed, path };
    requests.push(request);
    try {
      await answer(res, request, await responder(request, requests.length - 1));
    } catch (failure) {
      error(res, 500, (failure as Error).message, 'server_error');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
