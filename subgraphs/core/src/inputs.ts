import { expectIdOf, referencedRow as referenced } from '@wrk/catalog/ids';
import { badUserInput, dateOrNull, notFound, optionalText, requiredText } from '@wrk/platform';
import type { Context } from './context.ts';
import type { CoreRowLoaderName } from './loaders.ts';

export function optionalEmail(field: string, value: string | null | undefined): string | null {
  const email = optionalText(field, value, 320)?.toLowerCase() ?? null;
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw badUserInput(field, 'is not an email address');
  return email;
}

/** The row an ID argument names, through this request's (visibility-filtered) loader. */
export function referencedRow<Name extends CoreRowLoaderName>(ctx: Context, field: string, typename: string, loader: Name, id: string) {
  return referenced(ctx.loaders[loader] as Loader<Name>, field, typename, id);
}

export async function optionalReferencedRow<Name extends CoreRowLoaderName>(
  ctx: Context,
  field: string,
  typename: string,
  loader: Name,
  id: string | null | undefined,
) {
  return id ? referencedRow(ctx, field, typename, loader, id) : null;
}

type Loader<Name extends CoreRowLoaderName> = { load(id: string): Promise<NonNullable<Awaited<ReturnType<Context['loaders'][Name]['load']>>> | null> };

export { dateOrNull, optionalText, requiredText };
