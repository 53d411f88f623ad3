export { newExternalId } from '@wrk/platform';
export { prefixOf } from '@wrk/catalog';
