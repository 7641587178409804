// Path and query parameters of every route (API, console, transcript page, HubSpot card) are text
// the store may be asked about, and PostgreSQL refuses a NUL character in a query: unchecked, a
// `%00` anywhere became a 500. One check in front of every route refuses such a request with a 400
// that names the parameter, whatever the route does with it.
import type { RequestHandler } from 'express';
import { IngestError } from '../ingest/event.ts';
import { textProblem } from '../ingest/limits.ts';

function queryProblem(value: unknown): string | null {
  if (typeof value === 'string') return textProblem(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const problem = queryProblem(v);
      if (problem) return problem;
    }
  }
  return null;
}

export function refuseUnstorableParams(): RequestHandler {
  return (req, _res, next) => {
    const segments = req.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      let segment: string;
      try {
        segment = decodeURIComponent(segments[i]!);
      } catch {
        return next(new IngestError(400, `invalid path parameter at ${segments.slice(0, i).join('/')}/: not valid percent-encoded UTF-8`));
      }
      const problem = textProblem(segment);
      if (problem) return next(new IngestError(400, `invalid path parameter at ${segments.slice(0, i).join('/')}/: ${problem}`));
    }
    for (const [name, value] of Object.entries(req.query)) {
      const nameProblem = textProblem(name);
      if (nameProblem) return next(new IngestError(400, `invalid query parameter name: ${nameProblem}`));
      const problem = queryProblem(value);
      if (problem) return next(new IngestError(400, `invalid query parameter ${name}: ${problem}`));
    }
    next();
  };
}
