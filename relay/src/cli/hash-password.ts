// `relay hash-password`: the console operator's password hash, from a password on stdin.
import { hashPassword } from '../privacy/passwords.ts';
import { parse, UsageError } from './args.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function run(args: string[]): Promise<number> {
  parse(args, {});
  if (process.stdin.isTTY) process.stderr.write('password (input is shown; pipe it in to keep it off the screen): ');
  const password = await readStdin();
  if (!password) throw new UsageError('no password on stdin');
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}
