// Synthetic calls for `simulate`: realistic conversations across intents and outcomes, with the
// messy details real calls have (numbers read out in pieces, spelled names, second thoughts).
import type { Speaker } from '../calls/model.ts';

export type Scenario = {
  name: string;
  from: string;
  durationSeconds: number;
  recorded: boolean;
  lines: [Speaker, string][];
};

export const scenarios: Scenario[] = [
  {
    name: 'new patient books a cleaning',
    from: '+15615550192',
    durationSeconds: 143,
    recorded: true,
    lines: [
      ['agent', 'Thanks for calling Bright Smile Dental, this is the virtual assistant. How can I help?'],
      ['caller', "Hi, um, I'd like to book a cleaning. I'm a new patient."],
      ['agent', 'Happy to help. Can I get your full name?'],
      ['caller', "Sure, it's Maria Gonzalez. That's G-O-N-Z-A-L-E-Z."],
      ['agent', 'Thanks Maria. What is the best number to reach you?'],
      ['caller', 'Five six one, five five five, oh one nine two.'],
      ['agent', 'I have Tuesday at 10 AM or Thursday at 2 PM.'],
      ['caller', 'Thursday at two works.'],
      ['agent', "You're booked for Thursday at 2 PM. We'll text you a confirmation. Anything else?"],
      ['caller', "No, that's it, thank you!"],
    ],
  },
  {
    name: 'sales inquiry with a callback',
    from: '+12125550147',
    durationSeconds: 201,
    recorded: true,
    lines: [
      ['agent', 'Good afternoon, Acme Roofing, how can I help you today?'],
      ['caller', 'Yeah hi, this is Tom Becker. I wanted a quote for replacing the roof on a two-story house.'],
      ['agent', 'Sure. Roughly how big is the roof, and what material do you have now?'],
      ['caller', "Asphalt shingles, maybe two thousand square feet. What's the price range?"],
      ['agent', 'Most jobs that size run between twelve and eighteen thousand dollars. An estimator can give you an exact quote.'],
      ['caller', 'OK. Can someone call me back tomorrow morning? My email is tom dot becker at gmail dot com.'],
      ['agent', 'Absolutely, an estimator will call you tomorrow morning.'],
    ],
  },
  {
    name: 'billing question resolved',
    from: '+13055550110',
    durationSeconds: 96,
    recorded: false,
    lines: [
      ['agent', 'Hello, you have reached City Internet support. What can I do for you?'],
      ['caller', 'I was charged twice this month on my bill.'],
      ['agent', 'I can see a duplicate charge of forty nine ninety nine. I have issued a refund; it will show in three to five days.'],
      ['caller', 'Great, thanks, that solves it.'],
    ],
  },
  {
    name: 'support request transferred',
    from: '+14155550123',
    durationSeconds: 312,
    recorded: true,
    lines: [
      ['agent', 'Thank you for calling HomeHeat. How can I help?'],
      ['caller', "My furnace stopped working and it's freezing in here. It's urgent."],
      ['agent', "I'm sorry to hear that. Is there any smell of gas?"],
      ['caller', 'No, it just will not turn on. The display shows error E4.'],
      ['agent', 'Let me connect you to our on-call technician right now.'],
    ],
  },
  {
    name: 'spam robocall',
    from: '+18885550100',
    durationSeconds: 22,
    recorded: false,
    lines: [
      ['caller', 'Congratulations! You have been selected for a free cruise. Press one to claim your prize.'],
      ['agent', 'This line is for customer inquiries. Goodbye.'],
    ],
  },
  {
    name: 'reschedule an appointment',
    from: '+17865550133',
    durationSeconds: 88,
    recorded: true,
    lines: [
      ['agent', 'Bright Smile Dental, how may I help?'],
      ['caller', 'Hi, my name is Priya Patel, I need to move my appointment on Friday.'],
      ['agent', 'I see you on Friday at 9. Would Monday at 11 work instead?'],
      ['caller', 'Monday at 11 is perfect.'],
      ['agent', 'Done, you are now booked for Monday at 11 AM.'],
    ],
  },
];
