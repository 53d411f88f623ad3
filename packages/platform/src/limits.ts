import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import { MAX_PAGE_SIZE } from './pagination.ts';
import { measureOperation } from './cost.ts';

/**
 * The one definition of how much work a single GraphQL operation may ask for. The gateway and every subgraph
 * enforce the same numbers (a call made straight to a subgraph gains nothing); all are set by environment.
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens of the query text: the parser stops at the limit. */
  maxTokens: number;
  /** Estimated cost: one per field, times the page size or list length the field is asked for (see cost.ts). */
  maxCost: number;
  /** Items in any list argument or list input field (`ids`, `sourceRefs`, `status`, …). */
  maxListSize: number;
  /** `first` on every paginated field. */
  maxPageSize: number;
  /**
   * `_entities(representations:)`, which only the gateway builds: one representation per entity of a fetched list,
   * so up to a page of pages.
   */
  maxRepresentations: number;
}

/** A whole number above 0 from the environment, else the fallback; a process refuses to start on anything else. */
export const numberFromEnv = (env: NodeJS.ProcessEnv, name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${env[name]}"`);
  return value;
};

export function operationLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): OperationLimits {
  return {
    maxDepth: numberFromEnv(env, 'WRK_MAX_DEPTH', 12),
    maxAliases: numberFromEnv(env, 'WRK_MAX_ALIASES', 20),
    maxTokens: numberFromEnv(env, 'WRK_MAX_TOKENS', 4000),
    maxCost: numberFromEnv(env, 'WRK_MAX_COST', 20_000),
    maxListSize: numberFromEnv(env, 'WRK_MAX_LIST_SIZE', 1000),
    maxPageSize: MAX_PAGE_SIZE,
    maxRepresentations: numberFromEnv(env, 'WRK_MAX_REPRESENTATIONS', 100 * MAX_PAGE_SIZE),
  };
}

/** Page sizes, list lengths and cost, measured on the operation with its variables coerced, before execution. */
function workLimit(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) measureOperation(schema, document, operation, request.variables ?? {}, limits);
        },
      };
    },
  };
}

/**
 * Parse options, validation rules and plugins for an Apollo Server (gateway or subgraph). Tokens are counted by
 * graphql-js' parser (GRAPHQL_PARSE_FAILED); depth, aliases and directives are graphql-armor validation rules
 * (GRAPHQL_VALIDATION_FAILED); list sizes and cost need the variables and are measured once the operation is resolved
 * (BAD_USER_INPUT). All answer HTTP 400, before any resolver or subgraph fetch runs.
 */
export function operationLimits(limits: OperationLimits = operationLimitsFromEnv()): {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
} {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: 50 },
    // Replaced by the parser's own limit (armor's answers HTTP 500) and by the cost measured with variables (cost.ts).
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // Suggestions are hidden per caller (suggestions.ts): callers allowed to introspect keep them.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: armor.validationRules,
    plugins: [
      workLimit(limits), // graphql-armor's typings name @apollo/server's CommonJS build; ours its ES modules: the same plugin, two declarations.
      ...(armor.plugins as ApolloServerPlugin[]),
    ],
  };
}
