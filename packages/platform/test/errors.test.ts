import { GraphQLError } from 'graphql';
import { formatError } from '../src/server.ts';

describe('formatError', () => {
  it('never passes on the internals of a failed subgraph fetch (its URL, status and body)', () => {
    // What @apollo/gateway reports when a subgraph answers a non-2xx status.
    const error = new GraphQLError('403: Forbidden', {
      extensions: {
        code: 'FORBIDDEN',
        response: { url: 'http://127.0.0.1:4002/graphql', status: 403, statusText: 'Forbidden', body: { errors: [] } },
      },
    });
    const formatted = formatError(error.toJSON(), error);
    expect(JSON.stringify(formatted)).not.toContain('127.0.0.1');
    expect(formatted.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('masks unexpected errors', () => {
    const error = new Error('connect ECONNREFUSED /var/run/postgresql/.s.PGSQL.5432');
    const formatted = formatError({ message: error.message }, error);
    expect(formatted).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
