/**
 * External IDs of the demo organisation, shared by every subgraph's seed so that links across subgraphs
 * point at real rows. Deterministic, so the explorer's saved queries keep working across restarts.
 */
export const DEMO = {
  users: {
    admin: 'usr_demoadmin0001',
    staff: 'usr_demostaff0001',
    restricted: 'usr_demorestricted01',
  },
  teams: { contracts: 'team_democontracts01' },
  permissions: { staffReadsNorthwindSow: 'prm_demostaffnwsow1', contractsTeamReadsBoard: 'prm_demoteamboard01' },
  organizations: { acme: 'org_demoacme00001', northwind: 'org_demonorthwind01', fundation: 'org_demofundation01' },
  people: { ada: 'per_demoada000001', grace: 'per_demograce00001', linus: 'per_demolinus00001' },
  projects: {
    platform: 'prj_demoplatform0001',
    onboarding: 'prj_demoonboarding01',
    summit: 'prj_demosummit00001',
    skunkworks: 'prj_demoskunkworks01',
  },
  meetings: { kickoff: 'mtg_demokickoff0001', board: 'mtg_demoboard000001' },
  contracts: { acmeMsa: 'ctr_demoacmemsa0001', northwindSow: 'ctr_demonorthwind01' },
  grants: { innovation: 'gnt_demoinnovation1', confidential: 'gnt_democonfidentl1' },
  trips: { berlin: 'trp_demoberlin00001' },
  actions: { sendDraft: 'act_demosenddraft01' },
  decisions: { goAhead: 'dec_demogoahead0001', layoffs: 'dec_demorestructure1' },
  boxItems: { contractsFolder: 'box_democontractsdir', acmeMsaFile: 'box_demoacmemsa2026' },
  boxWebhookEvents: { msaUploaded: 'whk_demomsauploaded1' },
  projectDocuments: { acmeMsa: 'doc_demoacmemsa0001' },
  kbChunks: { msa0: 'kb_demoacmemsachunk0', msa1: 'kb_demoacmemsachunk1' },
  agentRuns: { review: 'run_demoreview00001' },
  agentSteps: { read: 'stp_demoreviewstep0', summarise: 'stp_demoreviewstep1' },
  knowledgeFacts: { billing: 'fct_demomsabilling01' },
  knowledgeInsights: { renewal: 'ins_demomsarenewal01' },
  agentApprovals: { renewal: 'apr_demomsarenewal01' },
} as const;
