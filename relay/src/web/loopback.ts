// Whether a connection comes from this machine: the API answers such requests without a token,
// and webhooks believe X-Forwarded-Proto only from a proxy here (as express's 'loopback' trust).
export const isLoopback = (address: string | undefined) => /^(127\.|::1$|::ffff:127\.)/.test(address ?? '');
