// A small deterministic labelled set for the chat tests: six intents, sentiment both ways, a
// knowledge base and a catalog. Written here so the tests never depend on a large data set.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const INTENT_EXAMPLES: Record<string, string[]> = {
  track_order: [
    'where is my order',
    'track my order please',
    'i want to track order 55555',
    'what is the status of my order',
    'has my order shipped yet',
    'when will my order arrive',
    'can you track my package',
    'where is my parcel',
    'my order has not arrived, where is it',
    'show me the tracking for my order',
    'order status please',
    'is my package on the way',
    'track purchase 77777',
    'where is order #24680',
  ],
  cancel_order: [
    'cancel my order',
    'i want to cancel my order',
    'please cancel order 12121',
    'how do i cancel a purchase',
    'stop my order from shipping, cancel it',
    'i need to cancel the order i placed',
    'cancel purchase 88888',
    'can i still cancel my order',
    'i changed my mind, cancel the order',
    'help me cancel my purchase',
    'cancellation of my order please',
    'i would like to cancel an order',
  ],
  get_refund: [
    'i want a refund',
    'how do i get my money back',
    'refund my payment please',
    'i was charged and want a refund',
    'give me a refund for my purchase',
    'can i get reimbursed',
    'i need my money back for this order',
    'request a refund',
    'how can i be refunded',
    'refund 40 dollars to my card',
    'return my money',
    'i would like a refund please',
  ],
  contact_human_agent: [
    'i want to speak to a human',
    'connect me with an agent',
    'can i talk to a real person',
    'transfer me to a representative',
    'i need a human agent',
    'let me talk to someone from support',
    'get me an operator',
    'i would like to chat with a person',
    'put me through to customer service staff',
    'i want a live agent',
    'human please',
    'talk to an agent now',
  ],
  delivery_options: [
    'what delivery options do you have',
    'which shipping methods are available',
    'do you offer express delivery',
    'how can my order be shipped',
    'shipping options please',
    'can i get next day delivery',
    'what are the delivery methods',
    'do you ship internationally',
    'is there free shipping',
    'tell me about delivery choices',
    'options for shipping my purchase',
    'do you have standard and express shipping',
  ],
  ask_suggestions: [
    'what would be a good gift for my dad',
    'i need ideas for a present',
    'what should i get for my sister',
    'help me pick something to give my friend',
    'what is a good present for a runner',
    'i am looking for a gift for my mom',
    'what could i give my brother for his birthday',
    'gift for a coffee lover',
    'present for a book fan',
    'what do people like to get as gifts',
    'birthday present for my colleague',
    'good gift for someone who cooks',
  ],
};

const TEMPLATES = ['this is {a}', 'your service is {a}', 'the support was {a}', 'what a {a} experience', 'honestly {a}'];
const NEGATIVE = ['terrible', 'awful', 'horrible', 'useless', 'bad', 'ridiculous', 'unacceptable', 'disappointing'];
const POSITIVE = ['great', 'wonderful', 'excellent', 'amazing', 'fantastic', 'perfect', 'lovely', 'brilliant'];
const fill = (words: string[]) => words.flatMap((a) => TEMPLATES.map((t) => t.replace('{a}', a)));

/** Templated so that the held-out split shares the training part's words (a few dozen texts calibrate badly otherwise). */
export const SENTIMENT_EXAMPLES: Record<'negative' | 'positive', string[]> = {
  negative: [...fill(NEGATIVE), 'i am angry', 'i am furious', 'i am upset', 'i am so frustrated', 'i hate this', 'i am fed up'],
  positive: [...fill(POSITIVE), 'thank you', 'thanks a lot', 'i am happy', 'i love it', 'i am pleased', 'i am delighted'],
};

export const intentExamples = () => Object.entries(INTENT_EXAMPLES).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
export const sentimentExamples = () => Object.entries(SENTIMENT_EXAMPLES).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));

const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Writes labelled examples as a `text,label` CSV. */
export function writeLabelledCsv(file: string, examples: ReadonlyArray<{ text: string; label: string }>): string {
  writeFileSync(file, ['text,label', ...examples.map((e) => `${csvCell(e.text)},${csvCell(e.label)}`)].join('\n'));
  return file;
}

/** The training files of one test's data folder. */
export function writeTrainingData(dir: string): { intents: string; sentiment: string } {
  return {
    intents: writeLabelledCsv(path.join(dir, 'intents.csv'), intentExamples()),
    sentiment: writeLabelledCsv(path.join(dir, 'sentiment.csv'), sentimentExamples()),
  };
}

export const KB_ENTRIES = [
  {
    id: 'faq-track',
    questions: ['where is my order', 'how do I track my package', 'order status'],
    answer: 'Your order {{Order Number}} is on its way. Follow it on {{Website Name}} under {{Order Tracking}}.',
    intent: 'track_order',
    tags: ['orders'],
  },
  {
    id: 'faq-cancel',
    questions: ['how do I cancel my order', 'cancel a purchase'],
    answer: 'To cancel order {{Order Number}}, open {{Order History}} and press {{Cancel Order}}. A confirmation goes to {{Customer Email}}.',
    intent: 'cancel_order',
    tags: ['orders'],
  },
  {
    id: 'faq-refund',
    questions: ['how do I get a refund', 'money back', 'reimbursement'],
    answer: 'We will refund {{Refund Amount}} for {{Product Name}} within 5 days.',
    intent: 'get_refund',
  },
  {
    id: 'faq-delivery',
    questions: ['what delivery options are there', 'shipping methods', 'express shipping'],
    answer: 'We ship standard (3-5 days) and express (next day).',
    intent: 'delivery_options',
  },
  {
    id: 'faq-opening-hours',
    questions: ['when are your stores open', 'opening hours of the shop'],
    answer: 'Our stores open 9am to 6pm, Monday to Saturday.',
  },
];

export const CATALOG = [
  { id: 'shoe-1', title: 'Trail Running Shoe', description: 'A light trail running shoe', category: 'Shoes', price: 89 },
  { id: 'shoe-2', title: 'Leather Boot', description: 'A warm leather boot for winter', category: 'Shoes', price: 120 },
  { id: 'mug-1', title: 'Coffee Mug', description: 'A big ceramic coffee mug', category: 'Kitchen', price: 12 },
  { id: 'pan-1', title: 'Frying Pan', description: 'A non-stick frying pan', category: 'Kitchen', price: 35 },
  { id: 'book-1', title: 'Mystery Novel', description: 'A gripping mystery novel', category: 'Books', price: 15 },
  { id: 'book-2', title: 'Cook Book', description: 'Recipes for every day', category: 'Books', price: 25 },
  // a title made of a word people ask with ("can you…")
  { id: 'can-1', title: 'Watering Can', description: 'A galvanised watering can', category: 'Garden', price: 19 },
];
