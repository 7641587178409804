// The baseline for the intake benchmark: an express app that reads the raw body and answers
// 200, with no signature check and no storage. Prints its URL on stdout.
import express from 'express';

const app = express();
app.post('/webhooks/twilio/voice', express.raw({ type: () => true, limit: 1_000_000 }), (_req, res) => {
  res.status(200).json({ ok: true, result: 'accepted' });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`relay listening on http://127.0.0.1:${address.port}\n`);
});
