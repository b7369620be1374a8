const token = process.env.GITHUB_TOKEN;
const password = process.env['DB_PASSWORD'];
const apiKey = import.meta.env.VITE_API_KEY;
let secret = getSecret('app');
