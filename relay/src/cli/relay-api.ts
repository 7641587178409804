// The commands that act on a running relay go through its HTTP API: the embedded store belongs
// to the relay process. A failure names the request it made, so "fetch failed" never stands alone.
export class RequestError extends Error {}

export type RelayApi = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function relayApi(base: string, token: string | undefined): RelayApi {
  return async (method, path, body) => {
    const url = base.replace(/\/$/, '') + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RequestError(`${method} ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message} (is the relay running there? --url sets where)`);
    }
    const text = await res.text();
    let json: { error?: string } = {};
    try {
      json = JSON.parse(text) as { error?: string };
    } catch {
      // a proxy's HTML error page, say: reported by status below
    }
    if (!res.ok) throw new RequestError(`${method} ${url}: ${res.status} ${json.error ?? res.statusText}`);
    return json;
  };
}
