import { committedSupergraph, DEFAULT_SUBGRAPH_URLS } from './compose.ts';
import { startGateway } from './server.ts';

// Production shape: the gateway alone, in front of subgraphs running as their own processes.
const gateway = await startGateway({
  supergraphSdl: committedSupergraph(),
  subgraphUrls: {
    identity: process.env.IDENTITY_URL ?? DEFAULT_SUBGRAPH_URLS.identity,
    core: process.env.CORE_URL ?? DEFAULT_SUBGRAPH_URLS.core,
    files: process.env.FILES_URL ?? DEFAULT_SUBGRAPH_URLS.files,
    agents: process.env.AGENTS_URL ?? DEFAULT_SUBGRAPH_URLS.agents,
  },
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`WRK gateway: ${gateway.url}`);
