import Stripe from 'stripe';
const stripe = new Stripe('sk_live_rWbYB0AABHrHGBL0ehZnAnOa');
export default stripe;
