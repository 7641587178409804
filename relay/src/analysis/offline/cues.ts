// Cue phrases for the offline classifier: what callers and agents typically say for each
// intent and each outcome. Each cue has a weight; intent cues count most in what the caller
// says first, outcome cues count most near the end of the call.
import type { Disposition, Intent } from '../../taxonomy.ts';

export type Cue = { pattern: RegExp; weight: number; /** "not ..." before it cancels it */ negatable: boolean };

const cue = (pattern: RegExp, weight: number, negatable = true): Cue => ({ pattern, weight, negatable });
const NOUNS = String.raw`appointment|appt|consultation|consult|visit|cleaning|check-?up|exam|physical|demo|estimate|inspection|session|slot|service call|tour|viewing|reservation|booking|spot|haircut|color|massage|flu shot|vaccine|x-?ray|oil change|test drive|fitting|table|class|lesson|tee time|room`;

export const INTENT_CUES: Record<Intent, Cue[]> = {
  book_appointment: [
    cue(new RegExp(String.raw`\b(book|schedule|make|set up|setup|get|need|want|like|request|due for|in for)\b[^.?!]{0,25}\b(${NOUNS})s?\b`), 3),
    cue(new RegExp(String.raw`\b(${NOUNS})\b`), 0.8),
    cue(/\b(come in (for|to|and|today|tomorrow|this|next|on)|get in (for|to|today|tomorrow|this|next)|be seen|(get|have) (him|her|them|it|my \w+) (seen|looked at|checked)|see (the|a|dr\.?|doctor) ?\w*|available (slots?|times?|appointments?)|any availability|what (do you|have you) (got|have) (available |open )?(this|next|on|for|today|tomorrow)|anything (available|open)|openings?|first available|next available|fit (me|us|him|her) in|come out (to|and)|send someone out)\b/, 1.5),
    cue(/\b(new patient|taking new (patients|clients)|earliest (appointment|opening|available)|when can (you|i|someone) (come|fit|see))\b/, 1.5),
    cue(/\b(come (see|by|visit|look)|stop by|drop in|do you (do|give|offer) (tours|consultations|appointments|walk-?throughs))\b/, 2),
  ],
  reschedule_appointment: [
    cue(/\b(reschedul\w*|move (my|the|our|his|her) (appointment|appt|visit|booking|reservation|cleaning|consultation)|change (my|the|our) (appointment|appt|time|booking|reservation)|push (it|my appointment|that) back|cancel\w* (my|the|our|his|her|this) (appointment|appt|visit|booking|reservation|consultation|cleaning|demo|service)|can't make (it|my appointment|the appointment)|won't be able to make|need to cancel|want to cancel|have to cancel|move it|can i (move|change|switch) (it|my|the)|(need|want|have) to (change|move|switch) it)\b/, 4),
    cue(/\b(is (next|this|on) \w+day,? but|(have|got|put) (me|us) down for|out of town|can (we|i) do (the following|another|a different|next)|something came up|conflict came up|(come|do it|make it|see you) (tomorrow|today|next week|later|on \w+day|\w+day) instead)\b/, 2),
    cue(/\b(different (day|time)|another (day|time)|earlier (time|slot)|later (time|slot))\b/, 1),
  ],
  sales_inquiry: [
    cue(/\b(wanted a quote|want a quote|get a quote|need a quote|quote for)\b/, 1),
    cue(/\b(what do you charge|how much do you charge|what (would|will|does) (it|that|this) (cost|run)|what do you guys charge)\b/, 3),
    cue(/\b(how much|pricing|prices?|quotes?|costs?|rates?|interested in|looking (for|into|to (buy|get|purchase|replace|install))|buy|purchase|sign up|plans?|packages?|financing|discounts?|specials?|promotion)\b/, 1.5),
    cue(/\b(thinking (about|of) (getting|buying|installing|switching|adding)|is it worth it|considering (getting|buying|switching)|on sale|in stock|do you (sell|offer|carry|install|provide|do)|can you (install|quote|give me a quote)|what (would it|does it) cost|ballpark)\b/, 2),
  ],
  support_request: [
    cue(/\b(not working|isn'?t working|stopped working|doesn'?t work|won'?t (turn on|start|connect|load|work|open|charge|print|drain|flush|heat|cool)|broken|broke|error( message| code)?|leak\w*|problem with|issue with|issues with|trouble with|can'?t (log ?in|sign in|connect|access|get (it|in|into))|crash\w*|outage|is down|went out|fix|repair|troubleshoot\w*|no (hot water|heat|power|internet|signal|service|ac|air)|keeps? (beeping|shutting|dropping|crashing|leaking|tripping)|making (a|this) (noise|sound)|clogged|backed up|locked out|reset my password|backing up|overflow\w*|water (everywhere|on the floor|in the basement|coming (in|through))|smell (of )?(gas|smoke|burning)|gas leak|freez\w*|frozen|keeps? (restarting|rebooting|disconnecting)|won'?t (boot|respond))\b/, 2),
    cue(/\b(chipped|cracked|in (a lot of |so much )?pain|hurts|bleeding|swollen|injured)\b/, 1.5),
    cue(/\b(help with|need help|not sure how to|how do i (fix|reset|get it))\b/, 0.6),
    cue(/\bwhat (do|should) (i|we) do\b/, 1.5),
  ],
  billing_question: [
    cue(/\b((?<!(electric|electricity|utility|gas|water|phone|energy|power|cable) )bill|billing|billed|invoice|charged|a charge|the charge|this charge|charges|overcharged|double[- ]charged|refund|payment|pay (my|the|a|it|off)|balance|statement|copay|co-pay|deductible|autopay|auto-pay|card on file|late fee|fees?|explanation of benefits|insurance claim|claim (was |got |is )?(denied|rejected)|denied (the|my|our) claim|coded|resubmit\w*)\b/, 2),
  ],
  order_status: [
    cue(/\b(any update|an update on|haven'?t heard (anything|back)|backorder\w*|(has|did) (the|my) \w+ (come in|arrive)|i ordered|we ordered|placed an order|is it (done|ready|finished)|done yet|finished yet|dropped (it |my \w+ |\w+ )?off|is it ready|if it'?s ready|ready (yet|for pick ?up)|(did|has) it come in|come in yet|(you|you guys|we) ordered|my order|the order|an order|order status|status of (my|the|an)|where('s| is) my|tracking( number)?|shipped|shipping|delivery|delivered|arrive[ds]?|arriving|package|parcel|eta|on (its|his|her|their) way|(technician|tech|installer|driver) (is|was|were) (coming|supposed|late|running late)|where('s| is) (the|my|our) (technician|tech|installer|driver)|hasn'?t (shown up|arrived|come|been delivered)|still waiting (for|on)|(was|were|is) supposed to (arrive|be (here|delivered))|(he|she|they|it) (was|were) supposed to come|(would|will) be here (between|by|at|around)|(is|are) (he|she|they|someone) still coming)\b/, 2),
  ],
  complaint: [
    cue(/\b(complain\w*|complaint|unhappy|not happy|disappointed|terrible|awful|horrible|rude|unacceptable|ridiculous|worst|frustrat\w*|angry|upset|furious|disgusted|poor (service|job|work)|(speak|talk) (to|with) (a|the|your) (manager|supervisor)|never (coming|going) back|file a (complaint|report)|waste of|unprofessional|nobody (called|showed)|no one (called|showed)|not acceptable|want (this|it) (fixed|made right)|made (a|this) mess|fed up|sick (and tired )?of|(second|third|fourth|fifth) (time|outage|call|month)|keeps happening)\b/, 3.5),
  ],
  general_question: [
    cue(/\b(your hours|what are your hours|hours (are|on|today|tomorrow)|open (on|until|today|tomorrow|late|saturdays?|sundays?|weekends?)|are you (guys )?open|what time (do|does) (you|the \w+) (open|close)|closing time|where are you located|located|your location|directions|how (do i|do we|to) get (to|there)|is there (a|any) (shuttle|bus|train|parking)|parking|your address|do you (accept|take) (\w+ ){0,2}(insurance|cards?|checks?|walk-?ins?|medicare|medicaid|cash|credit)|walk-?ins?|policy|policies|wheelchair|how long (does|is|will)|question about|quick question|wondering (if|whether|what|how)|do you (guys )?(speak|have parking|allow|offer wifi))\b/, 2),
  ],
  spam: [
    cue(/\b(extended (car |auto |vehicle )?warranty|vehicle('s)? warranty|press (one|1|nine|9|two|2)|you('ve| have) been (selected|approved|chosen|pre-?approved)|final (notice|attempt|courtesy call)|lower your (interest|rate|monthly)|google (listing|business|my business|ranking)|\bseo\b|search engine|first page of google|business (loan|funding|line of credit)|merchant (services|account|processing)|free (cruise|vacation|gift|trip)|congratulations|limited[- ]time offer|act now|social security (administration|number (has been|is|was) (suspended|compromised))|\birs\b|this is an? (important|urgent|automated) (message|call)|do not hang up|pre-?approved|debt relief|student loan forgiveness|solar (panels? )?(program|incentive)|verify your (business )?listing|your (account|computer) (has been|is) (compromised|hacked)|(business |directory )listing|exclusive (opportunity|offer)|guaranteed to|invest(ment)? opportunity|opportunity to invest|(you )?may qualify for|at no cost to you|verify your (medicare|social|account|bank|card)|benefits center|crypto\w*|bitcoin|double your money)\b/, 3, false),
  ],
  wrong_number: [
    cue(/\b(wrong number|wrong (contact|person|office|place)|(must|might|may) have (dialed|dialled|called|hit|pressed|the wrong)|dialed (the )?wrong|is this not|isn'?t this (the )?\w+|i was trying to (reach|call) (my|a|the) \w+|thought (this|i) was (calling )?(\w+ ){0,2}(pizza|pharmacy|restaurant|residence|house|office|school|bank)|not who i (was|meant)|sorry,? wrong|no one (here )?by that name|nobody (here )?by that name|there's no \w+ here)\b/, 4, false),
  ],
};

/** Outcome cues. `agentOnly` cues only count when the agent says them. */
export type OutcomeCue = Cue & { speaker?: 'agent' | 'caller' };
const outcome = (pattern: RegExp, weight: number, speaker?: 'agent' | 'caller', negatable = true): OutcomeCue => ({ pattern, weight, negatable, speaker });

export const DISPOSITION_CUES: Partial<Record<Disposition, OutcomeCue[]>> = {
  appointment_booked: [
    outcome(/\b(you('re| are) (all )?(set|booked|confirmed|scheduled) (for|on)|i('ve| have) (booked|scheduled|reserved|got you (down|in|booked|scheduled)|put you (down|in)|moved (you|it|your appointment)|rescheduled (you|it|your)|added you)|booked (you|that|it) (for|in|on)|scheduled (you|that|it) for|(appointment|appt|visit|consultation|cleaning|demo|booking|inspection|estimate) (is |has been )?(now )?(confirmed|booked|set|scheduled|moved)|(is|are|you're|you are) (all )?(booked|scheduled|confirmed) (for|on|today|tomorrow|at|this|next)|(you'?re|you are|i'?ve got you|got you) on (the|our) (schedule|calendar)|(changed|moved|switched) (your|the) (\w+ )?(appointment|appt|treatment|visit|booking|reservation|session|service|cleaning) to|locked (you|it) in|pencil(led)? you in|confirmation (text|email|message)|(get|receive) (a|your) confirmation)\b/, 3),
    // Also said at pick-ups and drop-offs, so it only supports a booking.
    outcome(/\b(see you (then|on|at|tomorrow|next|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|we('ll| will) see you)\b/, 1.2),
    outcome(/\b(that works|works for me|i'?ll take (it|that|the)|book it|sounds good,? (let'?s|book)|perfect,? (book|put me))\b/, 1.2, 'caller'),
  ],
  callback_requested: [
    outcome(/\b(call (me|you|him|her|them|us) back|callback|call-back|give (me|you|us) a call( back)?|have (someone|somebody|a \w+|the \w+|\w+) (call|reach out|get back|contact)|(will|'ll|going to|gonna) (call|ring|reach out to|get back to|contact|phone) you|(someone|somebody) (will|'ll|is going to|can) (call|contact|reach|get back)|reach (back )?out to you|return your call|get back to you|best (number|time) to (reach|call))\b/, 3),
  ],
  message_taken: [
    outcome(/\b(take a message)\b/, 0.5),
    outcome(/\b(take a message|leave a message (for|with)|pass (it|that|this|the message|your message|that message) (on|along)|pass along|let (him|her|them|the \w+|dr\.? \w+|\w+) know (you called|that you|you're)|make sure (he|she|they|\w+) gets? (it|the message|this|your message)|i('ll| will) (let|tell|inform) (him|her|them|dr\.? \w+|\w+) know|note (for|to) (him|her|them)|(a|the) message for|(give|get) (him|her|them) the message|message (has been )?(taken|noted|recorded))\b/, 3),
  ],
  transferred: [
    outcome(/\b(transfer(ring)? you|i('ll| will) transfer|let me (transfer|connect|put you through|get you over)|connect(ing)? you (to|with)|put(ting)? you through|one moment while i (connect|transfer)|while i (transfer|connect)|patch(ing)? you through|get you to (a|the|someone|our) (person|human|rep|representative|specialist|technician|team|manager|nurse))\b/, 3, 'agent'),
  ],
  not_interested: [
    outcome(/\b(not interested|no thanks|no thank you|i'?ll pass|we'?re (all set|good|fine|covered)|take me off|remove (me|my number)|stop calling|don'?t call|do not call|too (expensive|pricey|much)|out of (my|our) (budget|price range)|(going|went|go) with (someone|another|a different|the other)|decided (not|against|to go)|no longer (need|interested|want)|think i'?ll (pass|hold off|wait)|i'?ll think about it|not (right )?now|not at this time|can'?t afford|(more|higher) than (i|we) (expected|thought|wanted)|do it (myself|ourselves)|thanks anyway|(shop|look) around)\b/, 3, 'caller', false),
  ],
  qualified: [
    outcome(/\b(budget|timeline|decision[- ]maker|ready to (move forward|get started|sign|buy|go)|send (you|over|me) (a|the) (quote|proposal|estimate|contract|pricing)|(quote|proposal|estimate) (over )?to you|sales (rep|team|representative|manager) (will|can)|move forward|sign (me|us) up|how soon can you (start|come)|schedule (an|the) (install|installation)|square (feet|footage)|how many (units|users|seats|employees|people|locations|rooms)|(get|send) (you|me) (a|the|an) (written )?(quote|estimate|proposal))\b/, 2),
  ],
  resolved: [
    outcome(/\b(that (fixed|solved|did|worked|does it|helps|answers)|it('s| is) working( now| again)?|works now|working again|(problem|issue) (is )?(solved|fixed|resolved)|glad (i|we) could help|(i('ve| have)|we('ve| have)) (processed|issued|updated|fixed|reset|waived|credited|applied|cancell?ed|removed|corrected|refunded|added a credit|sent (someone|security|a technician))|(i'?m|we'?re) sending (someone|security|a technician|maintenance)|refund (has been|was|is|will be) (processed|issued)|that answers|that'?s (all|everything|it) i (needed|wanted)|that'?s all|perfect,? thanks?|great,? thanks?|thanks?,? that'?s (all|it|everything|helpful|great|perfect)|that'?s (helpful|good to know)|good to know|makes sense)\b/, 2),
  ],
  voicemail: [
    outcome(/\b(leave (a|your) (message|name and number)|after the (tone|beep)|voicemail|voice mail|mailbox|not available to take your call|can'?t (come to|get to) the phone|record your message|at the tone|you('ve| have) reached the (voicemail|mailbox|office) of)\b/, 4, undefined, false),
  ],
  abandoned: [
    outcome(/\b(hello\?|are you (still )?there|i can'?t hear you|you('re| are) breaking up|(call )?(got|was|is|were) (dropped|disconnected|cut off)|(the )?call (dropped|disconnected)|lost (the )?connection|hung up|line went dead|lost you)\b/, 2, undefined, false),
  ],
};

/** Negation just before a cue ("not calling about my bill") cancels it. */
export function negated(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 30), index).toLowerCase();
  return /\b(not|no|never|don'?t|didn'?t|isn'?t|wasn'?t|without|nothing|no need to)\s+(\w+\s+)?$/.test(before);
}
