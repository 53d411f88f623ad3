/**
 * The list of core's entity specs: every registry of the subgraph (loaders, node routing, visibility, `related`)
 * is derived from it. Adding a core entity adds its spec here (and its name to names.ts).
 */
import type { KeyedRowLoader, SchemaModule } from '@wrk/platform';
import { personModule } from './person/resolvers.ts';
import { organizationModule } from './organization/resolvers.ts';
import { meetingModule } from './meeting/resolvers.ts';
import { projectModule } from './project/resolvers.ts';
import { contractModule } from './contract/resolvers.ts';
import { tripModule } from './trip/resolvers.ts';
import { grantModule } from './grant/resolvers.ts';
import { actionModule } from './action/resolvers.ts';
import { decisionModule } from './decision/resolvers.ts';
import { entityLinkModule } from './entityLink/resolvers.ts';
import { action } from './action/spec.ts';
import { contract } from './contract/spec.ts';
import { decision } from './decision/spec.ts';
import type { CoreRow, Reference } from './entity.ts';
import type { RowFilter, VisibilityModel } from '../visibility.ts';
import { grant } from './grant/spec.ts';
import { meeting } from './meeting/spec.ts';
import { organization } from './organization/spec.ts';
import { person } from './person/spec.ts';
import { project } from './project/spec.ts';
import { trip } from './trip/spec.ts';

/** Each entity's module (its fragment; its type's and root fields' resolvers). */
export const ENTITY_MODULES: readonly SchemaModule[] = [
  personModule,
  organizationModule,
  meetingModule,
  projectModule,
  contractModule,
  tripModule,
  grantModule,
  actionModule,
  decisionModule,
  entityLinkModule,
];

/** The entities with rows of their own, in schema order (EntityLink, which joins them, has its own loaders). */
export const ROW_SPECS = [person, organization, meeting, project, contract, trip, grant, action, decision] as const;

export type RowSpec = (typeof ROW_SPECS)[number];
export type CoreModel = RowSpec['model'];
type RowOf<Spec extends RowSpec> = Awaited<ReturnType<Spec['find']>>[number];
/** A row of any of core's entities. */
export type AnyRow = RowOf<RowSpec>;

/** A loader per entity, typed by its own row: `loaders.contract.load(id)` gives a `Contract`. */
export type LoadersByModel<Key extends string | number, Suffix extends string = ''> = {
  [Spec in RowSpec as `${Spec['model']}${Suffix}`]: KeyedRowLoader<Key, RowOf<Spec>>;
};

/** Each entity's visibility filter, typed by how that entity belongs to projects. */
export type FiltersByModel<Extra = unknown> = {
  [Spec in RowSpec as Spec['model']]: RowFilter<Spec['visibility'] extends VisibilityModel<infer P> ? P : never> & Extra;
};

/** The caller's visibility filter of every entity, keyed by model name. */
export function filtersByModel<Extra = unknown>(make: (spec: RowSpec) => RowFilter & Extra): FiltersByModel<Extra> {
  const entries = ROW_SPECS.map((spec) => [spec.model, make(spec)] as const);
  // Each filter is built from its own spec's visibility model, so it holds only that model's project clause.
  return Object.fromEntries(entries) as FiltersByModel<Extra>;
}

/** Builds a loader per entity under `<model><suffix>` (`contract`, `contractById`). */
export function loadersByModel<Key extends string | number, Suffix extends string>(
  suffix: Suffix,
  make: (spec: RowSpec) => KeyedRowLoader<Key, CoreRow>,
): LoadersByModel<Key, Suffix> {
  const entries = ROW_SPECS.map((spec) => [`${spec.model}${suffix}`, make(spec)] as const);
  // Each loader reads its spec's rows through the spec's own (typed) find, so its values are that entity's rows.
  return Object.fromEntries(entries) as unknown as LoadersByModel<Key, Suffix>;
}

/** Core's own entity types (with rows) and the spec, and model name, of each. */
export const SPEC_OF_TYPE: ReadonlyMap<string, RowSpec> = new Map(ROW_SPECS.map((spec) => [spec.typename, spec]));
export const MODEL_OF_TYPE: ReadonlyMap<string, CoreModel> = new Map(ROW_SPECS.map((spec) => [spec.typename, spec.model]));

/** Reference fields of each type and the type they return: one source of `related`. */
export const REFERENCES: ReadonlyMap<string, readonly Reference[]> = new Map(ROW_SPECS.map((spec) => [spec.typename, spec.references]));
