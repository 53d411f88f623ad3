/**
 * Contracts end to end, through the gateway, as a staff member: references, `related` with entity links, filters, updates and their refusals, audit trail and outbox in the transaction of the change, and who may change one.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario, onlyOwnerOrAdminChangeVisibility } from './scenario.ts';

describe.each(databaseKinds())('Contract on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its references', async () => {
    const data = await scenario.staff(
      `query ($contract: ID!) { contract(id: $contract) { organization { id name } project { id } grant { id } } }`,
      {
        contract: ids.contract,
      },
    );
    expect(data.contract).toEqual({
      organization: { id: ids.org, name: 'Globex' },
      project: { id: ids.project },
      grant: { id: ids.grant },
    });
  });

  it('lists everything related to it: references and entity links, with their direction', async () => {
    await scenario.staff(
      `mutation ($c: ID!) { createEntityLink(from: $c, to: "${DEMO.boxItems.acmeMsaFile}", linkType: "signed_copy") { id } }`,
      {
        c: ids.contract,
      },
    );
    const data = await scenario.staff(
      `query ($c: ID!) { contract(id: $c) { related { via direction entity { __typename id ... on BoxItem { name } } } } }`,
      { c: ids.contract },
    );
    expect(data.contract.related).toEqual(
      expect.arrayContaining([
        { via: 'organization', direction: null, entity: { __typename: 'Organization', id: ids.org } },
        {
          via: 'link:signed_copy',
          direction: 'OUTGOING',
          entity: { __typename: 'BoxItem', id: DEMO.boxItems.acmeMsaFile, name: 'Acme MSA 2026.pdf' },
        },
      ]),
    );
  });

  it('filters the list', async () => {
    const filtered = await scenario.staff(
      `query ($o: ID!) { contracts(filter: { organizationId: $o, status: [DRAFT] }) { totalCount nodes { id } } }`,
      {
        o: ids.org,
      },
    );
    expect(filtered.contracts).toEqual({ totalCount: 1, nodes: [{ id: ids.contract }] });
  });

  it('updates; refusals name the field', async () => {
    const { staff, raw } = scenario;
    const updated = await staff(
      `mutation ($id: ID!) { updateContract(id: $id, input: { status: ACTIVE, value: { amount: "2000", currency: "EUR" } }) { status value { amount } title } }`,
      {
        id: ids.contract,
      },
    );
    expect(updated.updateContract).toEqual({ status: 'ACTIVE', value: { amount: '2000.00' }, title: 'Globex MSA' });
    const refused = await raw(`mutation ($id: ID!) { updateContract(id: $id, input: { endDate: "2026-01-01" }) { id } }`, {
      id: ids.contract,
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endDate' });
    const noOrganization = await raw(`mutation ($id: ID!) { updateContract(id: $id, input: { organizationId: null }) { id } }`, {
      id: ids.contract,
    });
    expect(noOrganization.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.contract)).toEqual(['create', 'update']);
  });

  it('refuses to change a restricted contract the caller may only read', async () => {
    const result = await scenario.raw(
      `mutation { updateContract(id: "${DEMO.contracts.northwindSow}", input: { title: "Mine now" }) { id } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets only the owner or an admin change its visibility', async () => {
    await onlyOwnerOrAdminChangeVisibility(
      scenario,
      'Contract',
      `title: "Admin-owned contract", organizationId: "${DEMO.organizations.acme}"`,
    );
  });

  it('writes one audit row and one outbox event per change, attributed from the token, in the same transaction', async () => {
    const renamed = await scenario.raw(`mutation ($id: ID!) { updateTrip(id: $id, input: { destination: "Springfield" }) { id } }`, {
      id: ids.trip,
    });
    expect(renamed.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const client = new pg.Client({ connectionString: scenario.stack.databaseUrl });
    await client.connect();
    try {
      const audit = await client.query(`SELECT action, actor, source_system FROM platform.audit_logs WHERE entity_id = $1 ORDER BY id`, [
        ids.contract,
      ]);
      expect(audit.rows).toEqual([
        { action: 'create', actor: DEMO.users.staff, source_system: 'web' },
        { action: 'update', actor: DEMO.users.staff, source_system: 'web' },
      ]);
      const byRequest = await client.query(
        `SELECT (SELECT count(*) FROM platform.audit_logs WHERE request_id = $1 AND entity_id = $2)::int AS audits,
                (SELECT count(*) FROM platform.integration_events WHERE request_id = $1 AND entity_id = $2)::int AS events`,
        [renamed.requestId, ids.trip],
      );
      expect(byRequest.rows[0]).toEqual({ audits: 1, events: 1 });
      const events = await client.query(`SELECT event_type FROM platform.integration_events WHERE entity_id = $1 ORDER BY id`, [
        ids.contract,
      ]);
      expect(events.rows.map((row) => row.event_type)).toEqual(['Contract.create', 'Contract.update']);

      // Force a failure after the contract and its audit row are written: the outbox insert fails.
      await client.query(`CREATE OR REPLACE FUNCTION platform.fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
      await client.query(`CREATE TRIGGER fail_for_test BEFORE INSERT ON platform.integration_events
        FOR EACH ROW WHEN (NEW.payload->'after'->>'title' = 'Doomed contract') EXECUTE FUNCTION platform.fail_for_test()`);
      const doomed = await scenario.raw(
        `mutation ($o: ID!) { createContract(input: { title: "Doomed contract", organizationId: $o }) { id } }`,
        {
          o: ids.org,
        },
      );
      expect(doomed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const left = await client.query(
        `SELECT (SELECT count(*) FROM core.contracts WHERE title = 'Doomed contract')::int AS rows,
                (SELECT count(*) FROM platform.audit_logs WHERE after->>'title' = 'Doomed contract')::int AS audits,
                (SELECT count(*) FROM platform.integration_events WHERE payload->'after'->>'title' = 'Doomed contract')::int AS events`,
      );
      expect(left.rows[0]).toEqual({ rows: 0, audits: 0, events: 0 });
      await client.query(`DROP TRIGGER fail_for_test ON platform.integration_events`);
    } finally {
      await client.end();
    }
  });
});
