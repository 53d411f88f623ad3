/** What the gateway tells the page (a JSON script element it renders): asset names, curated operations, demo sign-in. */
export interface ExampleOperation {
  name: string;
  description: string;
  body: string;
  type: 'query' | 'mutation';
}

export interface DemoUser {
  email: string;
  name: string;
  role: string;
}

export interface ExplorerConfig {
  assets: string;
  workers: { editor: string; json: string; graphql: string };
  operations: ExampleOperation[];
  /** The operation the graph view runs (everything related to an entity). */
  neighbourhood: string;
  /** Present only when the stack runs on the embedded demo database. */
  demoUsers?: DemoUser[];
}

const isConfig = (value: unknown): value is ExplorerConfig =>
  typeof value === 'object' &&
  value !== null &&
  'assets' in value &&
  'workers' in value &&
  'operations' in value &&
  'neighbourhood' in value;

function readConfig(): ExplorerConfig {
  const element = document.getElementById('wrk-explorer-config');
  const parsed: unknown = JSON.parse(element?.textContent ?? 'null');
  if (!isConfig(parsed)) throw new Error('the explorer page carries no configuration');
  return parsed;
}

export const config = readConfig();
