/**
 * The vocabulary of the generated `tiny` WordPiece tokenizer: special tokens, every printable
 * ASCII character (alone and as a `##` continuation, so no text is ever [UNK]), and enough
 * common English, shop and customer-service words and suffixes that ordinary sentences split
 * into words rather than characters. Order is part of the format: a token's id is its index,
 * so appending keeps existing ids stable while reordering changes every generated model.
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

// Function words and everyday verbs/nouns: what every sentence is made of.
const COMMON_WORDS = `
the be to of and a in that have i it for not on with he as you do at this but his by from they
we say her she or an will my one all would there their what so up out if about who get which go
me when make can like time no just him know take people into year your good some could them see
other than then now look only come its over think also back after use two how our work first
well way even new want because any these give day most us is are was were been has had did does
am doing done said made got gone went came seen
where why here please thanks thank hello hi hey yes okay ok sorry help need needs still yet
again already never always very really much many more less same different another each every
both few own own before while during since until within without between through under off down
today tomorrow yesterday week month weeks days hours hour minute minutes ago soon late early
last next long short old big small high low right left wrong sure able
number name email phone address message chat call talk speak agent human person someone support
service customer customers team manager problem issue issues question questions answer reason
information info details status update updated change changed cancel cancelled canceled
order orders ordered ordering refund refunds refunded return returns returned returning exchange
delivery deliver delivered shipping ship shipped shipment package parcel tracking track courier
arrive arrived arrival receive received missing lost damaged broken wrong item items product
products price prices cost costs pay paid payment payments charge charged charges fee fees
discount coupon code voucher sale offer deal free cheap expensive total amount bill invoice
receipt tax card cards credit debit bank account accounts balance transfer transfers money cash
atm pin top topped transaction transactions pending declined approved failed fail error wallet
currency rate rates exchange euro euros dollar dollars pound pounds limit limits withdraw
withdrawal deposit statement verify verification identity id password login log sign register
profile subscription subscribe unsubscribe newsletter member membership points reward rewards
cart basket checkout buy bought purchase purchased store shop online website app site page link
stock available size sizes color colour black white red blue green small medium large
shoe shoes shirt dress jacket bag phone laptop book books gift gifts
quality review reviews rating recommend recommendation similar search find found show list
love like liked great nice happy glad bad terrible awful poor disappointed angry upset slow fast
quick quickly fine best better worse worst excellent perfect useless
delay delayed waiting wait hold open close closed opened working works fix fixed
contact reach reply respond response request requested apply applied add added remove removed
edit set reset keep send sent sending check checked checking try tried let tell told ask asked
understand mean means happen happened happening possible should must may might shall
don didn doesn isn wasn aren haven won couldn wouldn shouldn ll ve re
`;

// Frequent continuations, so inflected and compound words cost two tokens instead of ten.
const SUBWORDS = `
##s ##es ##ed ##d ##ing ##er ##ers ##est ##ly ##y ##ies ##ied ##tion ##tions ##sion ##ment ##ments
##ness ##ful ##less ##able ##ible ##al ##ally ##ity ##ive ##ous ##ize ##ise ##ized ##en ##on
##an ##in ##ic ##ist ##ism ##ry ##ty ##le ##re ##te ##ate ##ated ##age ##ance ##ence ##ant ##ent
##or ##ors ##ar ##ow ##day ##ship ##ward ##wards ##way ##time ##line ##work ##card
`;

/** Printable ASCII (33–126); the space is left out because the pre-tokenizer splits on it. */
function printableAscii(): string[] {
  const chars: string[] = [];
  for (let c = 33; c <= 126; c++) chars.push(String.fromCharCode(c));
  return chars;
}

function words(block: string): string[] {
  return block.split(/\s+/).filter((w) => w.length > 0);
}

/**
 * The full ordered vocabulary (index = token id, `[PAD]` = 0), without duplicates.
 * @example const vocab = tinyVocab(); vocab[0] === '[PAD]'; vocab.includes('refund') === true
 */
export function tinyVocab(): readonly string[] {
  const chars = printableAscii();
  const ordered = [
    ...SPECIAL_TOKENS,
    ...chars,
    ...chars.map((c) => `##${c}`),
    // The normalizer lower-cases and the pre-tokenizer splits "don't" into don ' t before
    // WordPiece runs, so an entry with a capital or punctuation could never match: drop it.
    ...words(COMMON_WORDS).filter((w) => /^[a-z]+$/.test(w)),
    ...words(SUBWORDS).filter((w) => /^##[a-z]+$/.test(w)),
  ];
  return [...new Set(ordered)];
}
