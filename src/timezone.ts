// Imported first by main.ts: the service computes local times (opening hours) in Europe/Berlin.
// Timestamps leave the service in UTC (ISO 8601 with Z), and the database sessions run in UTC.
process.env.TZ = 'Europe/Berlin';
