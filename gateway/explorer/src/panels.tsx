import { useEffect, useMemo, useRef, useState } from 'react';
import { useGraphiQL } from '@graphiql/react';
import type { Core, EventObjectNode } from 'cytoscape';
import { Kind, parse } from 'graphql';
import { config, type ExampleOperation } from './config.ts';
import { postGraphQL, plainError } from './graphql.ts';
import { tablesOf, toCsv, useLastResult } from './results.ts';

export interface Session {
  name?: string;
  email?: string | null;
  role?: string;
  scopes?: string[];
  expiresAt?: Date;
  problem?: string;
}

export function SessionPanel({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <div className="wrk-panel" data-testid="session">
      <h2>Signed in</h2>
      {session.problem && (
        <p className="wrk-problem" role="alert">
          {session.problem}
        </p>
      )}
      <dl>
        <dt>Name</dt>
        <dd data-testid="session-name">{session.name ?? '—'}</dd>
        <dt>Email</dt>
        <dd>{session.email ?? '—'}</dd>
        <dt>Role</dt>
        <dd data-testid="session-role">{session.role ?? '—'}</dd>
        <dt>Scopes</dt>
        <dd data-testid="session-scopes">{session.scopes?.join(', ') ?? '—'}</dd>
        <dt>Expires</dt>
        <dd data-testid="session-expiry">{session.expiresAt?.toLocaleString() ?? '—'}</dd>
      </dl>
      <button type="button" onClick={onSignOut} data-testid="sign-out">
        Sign out / change token
      </button>
    </div>
  );
}

/** Placeholders for the variables an operation requires (non-null, no default), so the analyst sees what to fill in. */
function variablesTemplate(body: string): string {
  const operation = parse(body).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const required = (operation?.variableDefinitions ?? []).filter(
    (variable) => variable.type.kind === Kind.NON_NULL_TYPE && !variable.defaultValue,
  );
  return JSON.stringify(Object.fromEntries(required.map((variable) => [variable.variable.name.value, ''])), null, 2);
}

export function ExamplesPanel() {
  const queryEditor = useGraphiQL((state) => state.queryEditor);
  const variableEditor = useGraphiQL((state) => state.variableEditor);
  const load = (operation: ExampleOperation) => {
    queryEditor?.setValue(`# ${operation.description}\n${operation.body}`);
    variableEditor?.setValue(variablesTemplate(operation.body));
  };
  return (
    <div className="wrk-panel" data-testid="examples">
      <h2>Example operations</h2>
      <p>Curated operations for every domain: click one to load it, fill in its variables, run it.</p>
      <ul className="wrk-examples">
        {config.operations.map((operation) => (
          <li key={operation.name}>
            <button type="button" data-operation={operation.name} onClick={() => load(operation)}>
              {operation.name}
              {operation.type === 'mutation' ? ' (mutation)' : ''}
            </button>
            <p>{operation.description}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TablePanel() {
  const result = useLastResult();
  const tables = useMemo(() => tablesOf(result), [result]);
  const [chosen, setChosen] = useState(0);
  const table = tables[Math.min(chosen, tables.length - 1)];
  const csvUrl = useMemo(() => (table ? URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv' })) : undefined), [table]);
  useEffect(() => () => (csvUrl ? URL.revokeObjectURL(csvUrl) : undefined), [csvUrl]);
  if (!table) return <div className="wrk-panel">Run an operation that returns a list: it shows here as a table.</div>;
  return (
    <div className="wrk-panel" data-testid="table">
      <h2>Table</h2>
      <select value={chosen} onChange={(event) => setChosen(Number(event.target.value))} data-testid="table-list">
        {tables.map((option, index) => (
          <option key={option.path} value={index}>
            {option.path} ({option.rows.length})
          </option>
        ))}
      </select>{' '}
      <a href={csvUrl} download={`${table.path.replace(/\W+/g, '-') || 'result'}.csv`} data-testid="csv">
        Download CSV
      </a>
      <div className="wrk-table-scroll">
        <table data-path={table.path}>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column}>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, index) => (
              <tr key={index}>
                {table.columns.map((column) => (
                  <td key={column}>{row[column]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface GraphNode {
  id: string;
  type: string;
  label: string;
}
interface GraphEdge {
  from: string;
  to: string;
  label: string;
}
type Entity = Record<string, unknown>;

const isEntity = (value: unknown): value is Entity =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'id') === 'string';
const text = (entity: Entity, key: string) => {
  const value = entity[key];
  return typeof value === 'string' ? value : undefined;
};

function nodeOf(entity: Entity): GraphNode {
  const id = text(entity, 'id') ?? '';
  const type = text(entity, '__typename') ?? 'Node';
  const label =
    text(entity, 'name') ?? text(entity, 'title') ?? text(entity, 'fullName') ?? text(entity, 'agentName') ?? text(entity, 'action') ?? id;
  return { id, type, label };
}

/** The centre and its neighbours from EntityNeighbourhood's answer: `related` for core entities, `links` otherwise. */
function neighbourhood(centre: Entity): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const centreNode = nodeOf(centre);
  const nodes = new Map([[centreNode.id, centreNode]]);
  const edges: GraphEdge[] = [];
  const add = (entity: unknown, label: string, outgoing: boolean) => {
    if (!isEntity(entity)) return;
    const node = nodeOf(entity);
    if (node.id === centreNode.id) return;
    nodes.set(node.id, node);
    edges.push(outgoing ? { from: centreNode.id, to: node.id, label } : { from: node.id, to: centreNode.id, label });
  };
  const related = Array.isArray(centre.related) ? centre.related : [];
  for (const item of related.filter(isObjectValue)) add(item.entity, String(item.via), item.direction !== 'INCOMING');
  const links = Array.isArray(centre.links) ? centre.links : [];
  for (const link of links.filter(isObjectValue)) {
    const outgoing = link.fromId === centreNode.id;
    add(outgoing ? link.to : link.from, `link:${String(link.linkType)}`, outgoing);
  }
  return { nodes: [...nodes.values()], edges };
}

const isObjectValue = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The first entity ID in the last result: where the graph starts when the analyst has not typed one. */
function firstId(result: unknown): string | undefined {
  if (Array.isArray(result)) return result.map(firstId).find(Boolean);
  if (!isObjectValue(result)) return undefined;
  if (typeof result.id === 'string' && typeof result.__typename === 'string') return result.id;
  if (typeof result.id === 'string' && /^[a-z]+_/.test(result.id)) return result.id;
  return Object.values(result).map(firstId).find(Boolean);
}

export function GraphPanel({ token }: { token: string }) {
  const result = useLastResult();
  const [centre, setCentre] = useState<string>('');
  const [graph, setGraph] = useState<{ nodes: GraphNode[]; edges: GraphEdge[] }>();
  const [problem, setProblem] = useState<string>();
  const [drawn, setDrawn] = useState<string>();
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core>(undefined);

  useEffect(() => {
    if (!centre) {
      const start = firstId(isObjectValue(result) ? result.data : undefined);
      if (start) setCentre(start);
    }
  }, [result, centre]);

  useEffect(() => {
    if (!centre) return;
    let current = true;
    postGraphQL(token, { query: config.neighbourhood, variables: { id: centre } }).then(
      (response) => {
        if (!current) return;
        const node = response.data?.node;
        setProblem(plainError(response) ?? (isEntity(node) ? undefined : `${centre}: no entity you may see has this ID`));
        setGraph(isEntity(node) ? neighbourhood(node) : undefined);
      },
      (failure: Error) => current && setProblem(failure.message),
    );
    return () => {
      current = false;
    };
  }, [centre, token]);

  useEffect(() => {
    const element = container.current;
    if (!element || !graph) return;
    let disposed = false;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (disposed) return;
      cy.current?.destroy();
      cy.current = cytoscape({
        container: element,
        elements: [
          ...graph.nodes.map((node) => ({
            data: { id: node.id, label: `${node.type}\n${node.label}`, centre: node.id === centre ? 1 : 0 },
          })),
          ...graph.edges.map((edge, index) => ({ data: { id: `e${index}`, source: edge.from, target: edge.to, label: edge.label } })),
        ],
        layout: { name: 'concentric', concentric: (node) => Number(node.data('centre')) * 10 + 1, minNodeSpacing: 40 },
        style: [
          {
            selector: 'node',
            style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'background-color': '#6b8af2', 'text-valign': 'bottom' },
          },
          { selector: 'node[centre = 1]', style: { 'background-color': '#e0604f', width: 40, height: 40 } },
          {
            selector: 'edge',
            style: { label: 'data(label)', 'font-size': 8, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 1.5 },
          },
        ],
      });
      cy.current.on('tap', 'node', (event: EventObjectNode) => setCentre(event.target.id()));
      setDrawn(centre);
    });
    return () => {
      disposed = true;
    };
  }, [graph, centre]);

  return (
    <div className="wrk-panel" data-testid="graph">
      <h2>Graph</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const input = new FormData(event.currentTarget).get('centre');
          if (typeof input === 'string' && input.trim()) setCentre(input.trim());
        }}
      >
        <input name="centre" placeholder="an entity ID, e.g. ctr_…" defaultValue={centre} key={centre} data-testid="graph-centre" />
        <button type="submit">Show</button>
      </form>
      {problem && (
        <p className="wrk-problem" role="alert">
          {problem}
        </p>
      )}
      <div ref={container} className="wrk-graph-canvas" data-testid="graph-canvas" data-centre={centre} data-drawn={drawn} />
      {graph && (
        <ul className="wrk-graph-nodes" data-testid="graph-nodes">
          {graph.nodes.map((node) => (
            <li key={node.id} data-id={node.id} data-type={node.type}>
              <button type="button" onClick={() => setCentre(node.id)}>
                {node.type}: {node.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
