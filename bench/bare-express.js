// The baseline of bench:floor: a bare Express 5 app answering `{}` on every GET (no middleware), in its own
// process as the app runs in its own. Run: PORT=3999 node bench/bare-express.js
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/{*any}', (_req, res) => res.json({}));
const server = app.listen(Number(process.env.PORT ?? 3999), '127.0.0.1', () => process.send?.('ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
