// PII redaction: each type, spoken forms, the non-PII that looks like PII, and placeholders
// that stay the same for the same value throughout a call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactText, redactTranscript } from '../../src/analysis/redact.ts';
import { luhnValid } from '../../src/analysis/pii/numbers.ts';
import type { Turn } from '../../src/calls/model.ts';

const found = (text: string) => redactText(text).entities.map((e) => [e.type, e.value, e.normalised]);

describe('phone numbers', () => {
  it('finds written numbers in common formats and normalises them to E.164', () => {
    assert.deepEqual(found('Call me at (415) 555-0134 after five.'), [['phone', '(415) 555-0134', '+14155550134']]);
    assert.deepEqual(found('my cell is 646.555.0187'), [['phone', '646.555.0187', '+16465550187']]);
    assert.deepEqual(found('or +1 312 555 0148'), [['phone', '+1 312 555 0148', '+13125550148']]);
  });

  it('finds numbers spoken digit by digit, with "oh", "double" and paired digits', () => {
    assert.deepEqual(found("it's six one seven, five five five, oh one nine two"), [['phone', 'six one seven, five five five, oh one nine two', '+16175550192']]);
    assert.deepEqual(found('Eight one eight, double five five, zero one two three.'), [['phone', 'Eight one eight, double five five, zero one two three', '+18185550123']]);
    assert.deepEqual(found('seven one eight, five five five, twelve thirty four'), [['phone', 'seven one eight, five five five, twelve thirty four', '+17185551234']]);
    assert.deepEqual(found('one eight hundred, five five five, two three four five'), [['phone', 'one eight hundred, five five five, two three four five', '+18005552345']]);
  });

  it('does not take an exclamation "Oh" for a zero', () => {
    assert.deepEqual(found('Oh, five five five, one two three four.'), [['phone', 'five five five, one two three four', '5551234']]);
  });

  it('leaves order numbers, confirmation codes, times, dates and prices alone', () => {
    for (const text of [
      'Your order number is 4829173 and it ships Friday.',
      'Confirmation code eight four seven two nine one three.',
      'Can you come at 3:30 on 11/20/2026?',
      'It costs $1,249.99 plus tax.',
      'The balayage is one eighty, a trim forty five.',
    ]) {
      assert.deepEqual(redactText(text).entities, [], text);
      assert.equal(redactText(text).text, text);
    }
  });
});

describe('emails', () => {
  it('finds written and spoken addresses and writes them canonically', () => {
    assert.deepEqual(found('Send it to Maria.Gonzalez@Gmail.com please.'), [['email', 'Maria.Gonzalez@Gmail.com', 'maria.gonzalez@gmail.com']]);
    assert.deepEqual(found("It's john dot smith at gmail dot com."), [['email', 'john dot smith at gmail dot com', 'john.smith@gmail.com']]);
    assert.deepEqual(found('j smith eighty seven at yahoo dot com'), [['email', 'j smith eighty seven at yahoo dot com', 'jsmith87@yahoo.com']]);
    assert.deepEqual(found('priya underscore p at acme dash corp dot co dot uk'), [['email', 'priya underscore p at acme dash corp dot co dot uk', 'priya_p@acme-corp.co.uk']]);
    assert.deepEqual(found('priya dot raman at raman consulting dot com'), [['email', 'priya dot raman at raman consulting dot com', 'priya.raman@ramanconsulting.com']]);
  });

  it('does not read "at" followed by ordinary words as an address', () => {
    assert.deepEqual(redactText("I'll be at the office at noon, meet me at home.").entities, []);
  });
});

describe('payment cards', () => {
  it('finds Luhn-valid numbers written with spaces or dashes, or spoken', () => {
    assert.ok(luhnValid('4111111111111111'));
    assert.deepEqual(found('card is 4111 1111 1111 1111'), [['card', '4111 1111 1111 1111', '4111111111111111']]);
    assert.deepEqual(found('Use the Amex, 3782-822463-10005.'), [['card', '3782-822463-10005', '378282246310005']]);
    const spoken = 'four five three two, zero one five one, one two eight three, zero three six six';
    assert.deepEqual(found(`It's a Visa, ${spoken}.`), [['card', spoken, '4532015112830366']]);
  });

  it('rejects card-length numbers that fail the Luhn check', () => {
    assert.equal(luhnValid('4111111111111112'), false);
    assert.deepEqual(redactText('The serial on the unit is 4111 1111 1111 1112.').entities, []);
    assert.deepEqual(redactText('My tracking number is 1234 5678 9012 3456.').entities, []);
    // Unless the caller says it is their card: then a misheard digit must not leak the rest.
    assert.deepEqual(found('my credit card is 4111 1111 1111 1121'), [['card', '4111 1111 1111 1121', '4111111111111121']]);
  });
});

describe('social security numbers', () => {
  it('finds grouped numbers, and spoken ones when the caller says what they are', () => {
    assert.deepEqual(found('My social is 123-45-6789.'), [['ssn', '123-45-6789', '123456789']]);
    assert.deepEqual(found('social security number, um, five two one, four four, seven seven eight nine'), [['ssn', 'five two one, four four, seven seven eight nine', '521447789']]);
  });

  it('does not call every nine digits an SSN, nor impossible ones', () => {
    assert.deepEqual(redactText('Reference 521447789 for the claim.').entities, []);
    assert.deepEqual(redactText('Account 000-12-3456 is closed.').entities, []);
  });
});

describe('street addresses', () => {
  it('finds a number, street name and type, with unit, city, state and ZIP', () => {
    assert.deepEqual(found('I live at 1420 Elm Street, Springfield, IL 62704.').map((e) => e[1]), ['1420 Elm Street, Springfield, IL 62704']);
    assert.deepEqual(found('the address is twenty two ten magnolia avenue apartment four').map((e) => e[1]), ['twenty two ten magnolia avenue apartment four']);
    assert.deepEqual(found('Ship it to 350 5th Ave, Suite 4100.').map((e) => e[1]), ['350 5th Ave, Suite 4100']);
  });

  it('does not take counts and durations before a street-type word for an address', () => {
    assert.deepEqual(redactText('It took us 20 minutes on the highway, the office on Main Street.').entities, []);
  });
});

describe('person names', () => {
  it('finds names introduced without "my name is"', () => {
    assert.deepEqual(found("Hi, it's Maria Gonzalez calling about my cleaning.").map((e) => e[1]), ['Maria Gonzalez']);
    assert.deepEqual(found('This is Tom, I called yesterday.').map((e) => e[1]), ['Tom']);
    assert.deepEqual(found("Name's Priya Patel.").map((e) => e[1]), ['Priya Patel']);
    assert.deepEqual(found('Yeah, Derek here, from the Elm Court building.').map((e) => e[1]), ['Derek']);
    assert.deepEqual(found('my name is hannah kim and i need to move my appointment').map((e) => e[2]), ['Hannah Kim']);
  });

  it('finds names with no cue, by the given-name and surname lists', () => {
    assert.deepEqual(found('Marjorie Tate, m tate at comcast dot net.').filter((e) => e[0] === 'name').map((e) => e[1]), ['Marjorie Tate']);
    assert.deepEqual(found("Deshawn Okafor, I'm on the lease for unit 4B.").map((e) => e[1]), ['Deshawn Okafor']);
    assert.deepEqual(found('The reservation should be under Castellanos.').map((e) => e[1]), ['Castellanos']);
    assert.deepEqual(found('Hi, this is Omar Haddad, father of Sami.').map((e) => e[1]), ['Omar Haddad', 'Sami']);
    assert.deepEqual(found('It was Officer Grady who filed the report, the officer said.').map((e) => e[2]), ['Grady']);
  });

  it('finds names in lower-case transcripts by the words alone', () => {
    assert.deepEqual(found('yeah this is stan kowalski').map((e) => e[2]), ['Stan Kowalski']);
    assert.deepEqual(found("hey it's tomasz again about the roof estimate").map((e) => e[2]), ['Tomasz']);
    assert.deepEqual(found('roger that, the dryer makes a banging noise'), []);
  });

  it('does not take places, brands, pets or everyday words that are also names for people', () => {
    for (const text of [
      'We drove up from Tacoma last night.',
      'Will the technician call before he comes?',
      'Hunter green or navy for the cabinets?',
      'I got a letter from Wells Fargo about the escrow.',
      'We flew into San Diego on Monday.',
      'Thanks for calling Hartwell Remodeling, how can I help?',
      'My dog Bella needs her rabies booster.',
      'Our cat, Luna, stopped eating yesterday.',
    ]) {
      assert.deepEqual(redactText(text).entities, [], text);
    }
  });

  it('does not take businesses, days or ordinary words after "this is" for names', () => {
    for (const text of ['Bright Smile Dental, this is the virtual assistant.', "It's Friday, so we close at noon.", 'This is Valley Medical Group billing.', 'May I have your name please?']) {
      assert.deepEqual(redactText(text).entities, [], text);
    }
  });

  it('finds a spelled name when the other speaker asked for it', () => {
    const call: Turn[] = [
      { speaker: 'agent', text: 'How do you spell your last name?', startMs: null },
      { speaker: 'caller', text: 'K-O-W-A-L-C-Z-Y-K.', startMs: null },
    ];
    const result = redactTranscript(call);
    assert.equal(result.turns[1]!.text, '[NAME_1].');
    assert.equal(result.entities[0]!.normalised, 'Kowalczyk');
  });

  it('finds a bare name given in answer to "what is your name"', () => {
    const result = redactTranscript([
      { speaker: 'agent', text: 'And your name?', startMs: null },
      { speaker: 'caller', text: 'Bartholomew Finch. People call me Bart.', startMs: null },
    ]);
    assert.equal(result.turns[1]!.text, '[NAME_1]. People call me [NAME_2].');
  });
});

describe('placeholders across a call', () => {
  const call: Turn[] = [
    { speaker: 'agent', text: 'Thanks for calling, who am I speaking with?', startMs: 0 },
    { speaker: 'caller', text: "It's Maria Gonzalez. My number is 415 555 0134.", startMs: 1000 },
    { speaker: 'agent', text: 'Thanks Maria. Is 415-555-0134 the best number?', startMs: 5000 },
    { speaker: 'caller', text: 'Yes. And my husband Raj might call too, email maria dot g at gmail dot com.', startMs: 8000 },
  ];

  it('gives the same value the same placeholder and a name part its full name', () => {
    const result = redactTranscript(call);
    assert.deepEqual(
      result.turns.map((t) => t.text),
      [
        'Thanks for calling, who am I speaking with?',
        "It's [NAME_1]. My number is [PHONE_1].",
        'Thanks [NAME_1]. Is [PHONE_1] the best number?',
        'Yes. And my husband [NAME_2] might call too, email [EMAIL_1].',
      ],
    );
    assert.deepEqual(result.report.counts, { name: 3, phone: 2, email: 1 });
    assert.equal(result.restore('Caller [NAME_1] <[EMAIL_1]>, spouse [NAME_2]'), 'Caller Maria Gonzalez <maria.g@gmail.com>, spouse Raj');
    assert.equal(result.valueOf('[PHONE_1]'), '+14155550134');
    assert.equal(result.valueOf('[NAME_7]'), null);
  });

  it('keeps different people apart even when they share a first name', () => {
    const result = redactTranscript([
      { speaker: 'caller', text: "Hi, it's Maria Gonzalez.", startMs: null },
      { speaker: 'caller', text: 'My neighbour Maria Lopez referred me. Maria said you were great.', startMs: null },
    ]);
    assert.equal(result.turns[0]!.text, "Hi, it's [NAME_1].");
    // Which Maria "Maria said" means is ambiguous; that it is redacted is not.
    assert.match(result.turns[1]!.text, /^My neighbour \[NAME_2\] referred me\. \[NAME_[12]\] said you were great\.$/);
    assert.equal(result.valueOf('[NAME_2]'), 'Maria Lopez');
  });

  it('reports high confidence when nothing suspicious remains and lower when something may', () => {
    assert.ok(redactTranscript(call).report.confidence >= 0.95);
    const doubtful = redactText('The reference is 48291734 and the order 55512345.');
    assert.ok(doubtful.report.confidence < 0.85, `confidence ${doubtful.report.confidence}`);
  });
});

describe('speech-to-text forms, whole spans covered', () => {
  const covered = (text: string, secret: string) => {
    const redacted = redactText(text).text;
    for (const piece of secret.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0)) assert.ok(!new RegExp(`\\b${piece}\\b`, 'i').test(redacted), `"${piece}" left in "${redacted}"`);
  };

  it('reads a number through fillers between its groups', () => {
    covered('my number is five five five uh two one two um three four five six', 'five five five two one two three four five six');
    assert.deepEqual(found('five five five uh two one two um three four five six').map((f) => f[2]), ['+15552123456']);
  });

  it('redacts a long number nobody called an identifier, and a nine-digit one as an SSN', () => {
    assert.equal(found('you can reach me on fifty two fifty five eighteen forty one ninety nine')[0]?.[0], 'phone');
    assert.equal(found('and the number is one two three four five six seven eight nine')[0]?.[0], 'ssn');
    assert.deepEqual(found('order number one two three four five six seven eight nine'), []);
  });

  it('reads emails spelled letter by letter, with hyphens, commas and asides', () => {
    assert.equal(found('its m a r i s o l underscore v at hotmail dot com')[0]?.[2], 'marisol_v@hotmail.com');
    assert.equal(found("It's J-O-R-G-E at gmail dot com")[0]?.[2], 'jorge@gmail.com');
    assert.equal(found("It's n, b, e, r, g, at protonmail dot com.")[0]?.[2], 'nberg@protonmail.com');
    assert.equal(found("Email's meg o'connell, all one word, no apostrophe, at outlook dot com.")[0]?.[2], 'megoconnell@outlook.com');
  });

  it('takes given names that are also words when they do what people do', () => {
    covered("Rose said she'd be home by six", 'Rose');
    covered('can you ask hunter to call me back', 'hunter');
    covered('i spoke with grace yesterday', 'grace');
    covered('Bill from accounting called about it', 'Bill');
  });

  it('takes a spelled surname with no cue before it', () => {
    covered('maria, g o n z a l e z', 'g o n z a l e z');
  });

  it('covers an address through its unit, town, state and ZIP said in words', () => {
    covered('i live at twelve forty north maple avenue apartment four b springfield illinois six two seven oh four', 'twelve forty north maple avenue apartment four b springfield illinois six two seven oh four');
  });
});
