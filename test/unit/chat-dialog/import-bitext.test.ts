import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kbEntriesFromBitext, representativeResponse } from '../../../services/chat/kb/import-bitext.ts';
import { sharedDir } from '../../support/paths.ts';

const BITEXT = path.join(sharedDir(), 'data', 'customer-support', 'bitext_customer_support_training.csv');

describe('knowledge base from the Bitext sample', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'affinity-bitext-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('groups by intent: instructions become question variants, a generic typical response the answer', () => {
    const file = path.join(dir, 'small.csv');
    writeFileSync(
      file,
      [
        'instruction,intent,category,entity_value,response',
        'where is order 123456,track_order,ORDER,123456,"Order 123456 is on its way: see {{Order Tracking}}."',
        'track my order,track_order,ORDER,,"You can follow your order under {{Order Tracking}} on {{Website Name}}."',
        'Track my order,track_order,ORDER,,"Follow your order under {{Order Tracking}}."',
        'order status,track_order,ORDER,,"Your order status is under {{Order Tracking}} on {{Website Name}}."',
        'refund me,get_refund,REFUND,,"Refunds: {{Refund Policy}}."',
      ].join('\n'),
    );
    const entries = kbEntriesFromBitext(file);
    expect(entries.map((e) => e.id)).toEqual(['bitext-get_refund', 'bitext-track_order']);
    const track = entries[1]!;
    // the case-insensitive duplicate is dropped
    expect(track).toMatchObject({ intent: 'track_order', tags: ['order'], questions: ['where is order 123456', 'track my order', 'order status'] });
    // never the response that names one customer's order
    expect(track.answer).not.toContain('123456');
    expect(track.answer).toBe('You can follow your order under {{Order Tracking}} on {{Website Name}}.');
    expect(kbEntriesFromBitext(file, { questionsPerIntent: 2 })[1]!.questions).toEqual(['where is order 123456', 'track my order']);
  });

  it('picks the response closest to its group’s centroid', () => {
    expect(representativeResponse(['green pear', 'red apple', 'red apple pie', 'red apple'])).toBe('red apple');
  });

  it('throws KB_IMPORT_INVALID for a missing file or a CSV without the Bitext columns', () => {
    expect(() => kbEntriesFromBitext(path.join(dir, 'none.csv'))).toThrow(expect.objectContaining({ code: 'KB_IMPORT_INVALID' }));
    const odd = path.join(dir, 'odd.csv');
    writeFileSync(odd, 'text,label\nhi,greet\n');
    expect(() => kbEntriesFromBitext(odd)).toThrow(expect.objectContaining({ code: 'KB_IMPORT_INVALID', details: expect.objectContaining({ missing: ['instruction', 'intent', 'response'] }) }));
    const unclosed = path.join(dir, 'unclosed.csv');
    writeFileSync(unclosed, 'instruction,intent,response\n"cancel my order,cancel_order,Done\n');
    expect(() => kbEntriesFromBitext(unclosed)).toThrow(expect.objectContaining({ code: 'KB_IMPORT_INVALID', message: expect.stringContaining('cannot parse') }));
  });

  it('reads the columns from the header, not from a short first row', () => {
    const short = path.join(dir, 'short-first.csv');
    writeFileSync(short, 'instruction,intent,response,category\nhow to cancel,cancel_order\ncancel my order,cancel_order,I have cancelled it.,ORDER\n');
    expect(kbEntriesFromBitext(short).map((e) => e.intent)).toEqual(['cancel_order']);
  });

  it('makes one entry per intent of the shipped sample, every answer free of order numbers and sums', () => {
    const entries = kbEntriesFromBitext(BITEXT);
    expect(entries).toHaveLength(27);
    for (const e of entries) {
      expect(e.questions.length).toBe(20);
      expect(e.answer.replace(/\{\{[^{}]*\}\}/g, '')).not.toMatch(/\d{4,}|[$€£]\s?\d/);
    }
    expect(entries.filter((e) => /\{\{[^{}]+\}\}/.test(e.answer)).length).toBeGreaterThan(10);
  });
});
