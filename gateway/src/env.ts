// Must be evaluated before @apollo/gateway: its telemetry probes cloud metadata addresses at start otherwise.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
