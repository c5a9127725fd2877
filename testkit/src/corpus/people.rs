//! Who writes: customers (with their companies and mail clients) and the support team.

use super::enc::{Charset, DateStyle, ascii_fold};
use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    En,
    Fr,
    Id,
}

const EN_FIRST: &[&str] = &[
    "James",
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Mason",
    "Isabella",
    "Lucas",
    "Mia",
    "Oliver",
    "Charlotte",
    "Jack",
    "Amelia",
    "Henry",
    "Harper",
    "Daniel",
    "Grace",
    "Samuel",
    "Chloe",
    "David",
    "Emily",
    "Ryan",
    "Hannah",
    "Nathan",
    "Zoe",
    "Michael",
    "Sarah",
    "Aaron",
    "Megan",
    "Kevin",
    "Laura",
    "Patrick",
    "Rachel",
];
const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell",
    "Turner", "O'Brien", "Murphy", "Reed", "Cooper", "Brooks", "Kelly",
];
const FR_FIRST: &[&str] = &[
    "Jean",
    "Marie",
    "Pierre",
    "Sophie",
    "Luc",
    "Camille",
    "François",
    "Hélène",
    "Julien",
    "Léa",
    "Mathieu",
    "Chloé",
    "Nicolas",
    "Élodie",
    "Antoine",
    "Manon",
    "Sébastien",
    "Océane",
    "Thomas",
    "Inès",
    "Benoît",
    "Aurélie",
    "Jérôme",
    "Cécile",
    "Gaël",
    "Noémie",
    "Anaïs",
    "Loïc",
];
const FR_LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Fontaine",
    "Rousseau",
    "Chevalier",
    "Gauthier",
    "Pérez",
];
const ID_FIRST: &[&str] = &[
    "Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu", "Hendra", "Rina", "Wahyu",
    "Indah", "Eko", "Sri", "Fajar", "Nur", "Dian", "Bayu", "Lestari", "Yusuf", "Ratna", "Adi",
    "Wulan", "Arief", "Kartika", "Dimas", "Intan", "Teguh", "Fitri", "Joko",
];
const ID_LAST: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Pratama",
    "Hidayat",
    "Susanto",
    "Kurniawan",
    "Setiawan",
    "Nugroho",
    "Rahmawati",
    "Putra",
    "Siregar",
    "Hasibuan",
    "Nasution",
    "Simanjuntak",
    "Halim",
    "Gunawan",
    "Sari",
    "Wibowo",
    "Purnomo",
    "Hakim",
    "Utami",
    "Permana",
    "Suryadi",
];

const EN_FREEMAIL: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "hotmail.com",
    "proton.me",
];
const FR_FREEMAIL: &[&str] = &[
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "hotmail.fr",
    "yahoo.fr",
    "sfr.fr",
];
const ID_FREEMAIL: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "yahoo.co.id",
    "yahoo.com",
    "ymail.com",
];

/// A mail program's habits: they shape Message-IDs, boundaries, wrapping and encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Client {
    Gmail,
    Outlook,
    AppleMail,
    Thunderbird,
    Phone,
}

impl Client {
    pub(crate) fn date_style(self) -> DateStyle {
        match self {
            Client::Gmail | Client::Phone => DateStyle::Plain,
            Client::Outlook => DateStyle::ZeroPadded,
            Client::AppleMail => DateStyle::NoWeekday,
            Client::Thunderbird => DateStyle::Comment,
        }
    }

    pub(crate) fn mailer(self) -> Option<&'static str> {
        match self {
            Client::Gmail => None,
            Client::Outlook => Some("X-Mailer: Microsoft Outlook 16.0"),
            Client::AppleMail => Some("X-Mailer: Apple Mail (2.3774.600.62)"),
            Client::Thunderbird => Some("User-Agent: Mozilla Thunderbird"),
            Client::Phone => Some("X-Mailer: iPhone Mail (21E236)"),
        }
    }

    /// Whether the client hard-wraps plain text (Gmail and phones send long lines).
    pub(crate) fn wraps(self) -> bool {
        matches!(
            self,
            Client::Thunderbird | Client::AppleMail | Client::Outlook
        )
    }

    pub(crate) fn message_id(self, rng: &mut Rng, unix: i64, domain: &str) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        match self {
            Client::Gmail => format!(
                "CA{}+{}@mail.gmail.com",
                rng.token(ALNUM, 22),
                rng.token(ALNUM, 18)
            ),
            Client::Outlook => format!(
                "{}{}@{}.prod.outlook.com",
                rng.pick(&["AM0PR", "DB9PR", "PAXPR", "SG2PR"]),
                rng.token(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20),
                rng.token(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)
            ),
            Client::AppleMail | Client::Phone => format!(
                "{}-{}-{}-{}-{}@{domain}",
                rng.hex(8).to_uppercase(),
                rng.hex(4).to_uppercase(),
                rng.hex(4).to_uppercase(),
                rng.hex(4).to_uppercase(),
                rng.hex(12).to_uppercase()
            ),
            Client::Thunderbird => format!("{}.{}@{domain}", unix, rng.hex(10)),
        }
    }

    pub(crate) fn boundary(self, rng: &mut Rng) -> String {
        match self {
            Client::Gmail => format!("0000000000{}", rng.hex(16)),
            Client::Outlook => format!("_000_{}_", rng.hex(24)),
            Client::AppleMail | Client::Phone => format!(
                "Apple-Mail={}-{}-{}",
                rng.hex(8).to_uppercase(),
                rng.hex(4).to_uppercase(),
                rng.hex(12).to_uppercase()
            ),
            Client::Thunderbird => {
                format!("------------{}", rng.token(b"0123456789ABCDEFabcdef", 24))
            }
        }
    }

    /// The subject prefix this client puts on replies.
    pub(crate) fn reply_prefix(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Client::Outlook, Lang::Fr) => "RE : ",
            (Client::Outlook, _) => "RE: ",
            (Client::AppleMail, Lang::Fr) => "Re : ",
            _ => "Re: ",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub first: &'static str,
    pub name: String,
    pub email: String,
    pub domain: String,
    pub company: Option<String>,
    pub lang: Lang,
    pub client: Client,
    /// Minutes east of UTC (None: follow French summer time).
    pub offset: Option<i32>,
    /// Charset this person's client prefers for non-ASCII text.
    pub charset: Charset,
}

impl Person {
    pub(crate) fn offset_at(&self, unix: i64) -> i32 {
        self.offset
            .unwrap_or_else(|| super::enc::paris_offset(unix))
    }
}

fn names(lang: Lang) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        Lang::En => (EN_FIRST, EN_LAST),
        Lang::Fr => (FR_FIRST, FR_LAST),
        Lang::Id => (ID_FIRST, ID_LAST),
    }
}

/// Company `index` of language `lang`: (display name, mail domain).
pub(crate) fn company(seed: u64, lang: Lang, index: u64) -> (String, String) {
    let mut rng = Rng::derive(seed, 0xC0, index * 3 + lang as u64);
    let (a, b, tails, tlds): (&[&str], &[&str], &[&str], &[&str]) = match lang {
        Lang::En => (
            &[
                "Bright", "North", "Blue", "Iron", "Green", "Swift", "Clear", "Silver", "Red",
                "Oak", "Summit", "Harbor", "Cedar", "Copper", "Maple", "Stone",
            ],
            &[
                "lane", "field", "works", "stack", "point", "bridge", "wave", "forge", "path",
                "leaf", "gate", "line", "ridge", "yard",
            ],
            &[
                "",
                " Labs",
                " Ltd",
                " Inc.",
                " Logistics",
                " Studio",
                " Health",
                " Foods",
            ],
            &["com", "io", "co.uk", "net", "com.au"],
        ),
        Lang::Fr => (
            &[
                "Bois", "Clair", "Mont", "Belle", "Vert", "Roche", "Beau", "Fleur", "Haut", "Val",
                "Grand", "Petit",
            ],
            &[
                "vallon", "rive", "champ", "mont", "source", "lac", "pré", "chêne", "forêt",
                "étang", "moulin",
            ],
            &[
                " SARL",
                " SAS",
                "",
                " & Fils",
                " Conseil",
                " Éditions",
                " Distribution",
            ],
            &["fr", "fr", "com", "eu", "be"],
        ),
        Lang::Id => (
            &[
                "Maju", "Sinar", "Karya", "Mitra", "Cahaya", "Bumi", "Sentosa", "Abadi", "Berkah",
                "Mega", "Indo", "Jaya",
            ],
            &[
                "Jaya",
                "Makmur",
                "Sejahtera",
                "Utama",
                "Nusantara",
                "Mandiri",
                "Lestari",
                "Persada",
                "Sentosa",
            ],
            &["", "", " Digital", " Logistik", " Teknologi"],
            &["co.id", "co.id", "com", "id"],
        ),
    };
    let first = *rng.pick(a);
    let second = *rng.pick(b);
    let tail = *rng.pick(tails);
    let joined = match lang {
        Lang::En | Lang::Fr => format!("{first}{second}"),
        Lang::Id => format!("{first} {second}"),
    };
    let name = match lang {
        Lang::Id => format!("PT {joined}{tail}"),
        _ => format!("{joined}{tail}"),
    };
    let mut domain = ascii_fold(&format!("{joined}{tail}"));
    if rng.chance(0.25) {
        domain.push_str(&rng.between(1, 99).to_string());
    }
    domain = format!("{domain}.{}", rng.pick(tlds));
    (name, domain)
}

/// Customer `index` (0-based) of a pool of `pool` customers. Deterministic in (seed, index).
pub(crate) fn customer(seed: u64, index: u64, pool: u64) -> Person {
    let mut rng = Rng::derive(seed, 0xC5, index);
    let lang = match rng.weighted(&[60, 20, 20]) {
        0 => Lang::En,
        1 => Lang::Fr,
        _ => Lang::Id,
    };
    let (firsts, lasts) = names(lang);
    let first = *rng.pick(firsts);
    let last = if lang == Lang::Id && rng.chance(0.2) {
        None
    } else {
        Some(*rng.pick(lasts))
    };
    let name = match last {
        Some(last) => format!("{first} {last}"),
        None => first.to_string(),
    };
    let f = ascii_fold(first);
    let l = last.map(ascii_fold).unwrap_or_default();
    let (domain, company) = if rng.chance(0.4) {
        let freemail = match lang {
            Lang::En => EN_FREEMAIL,
            Lang::Fr => FR_FREEMAIL,
            Lang::Id => ID_FREEMAIL,
        };
        ((*rng.pick(freemail)).to_string(), None)
    } else {
        // About four customers per company, so colleagues share a domain.
        let companies = (pool / 4).max(3);
        let (cname, cdomain) = company(seed, lang, rng.below(companies));
        (cdomain, Some(cname))
    };
    // Free-mail users mostly use their provider's client; company staff anything.
    let client = match domain.as_str() {
        "gmail.com" if rng.chance(0.75) => Client::Gmail,
        "icloud.com" if rng.chance(0.6) => Client::AppleMail,
        "outlook.com" | "hotmail.com" | "hotmail.fr" if rng.chance(0.75) => Client::Outlook,
        d if company.is_none() && !d.starts_with("gmail") => match rng.weighted(&[50, 20, 30]) {
            0 => Client::Gmail,
            1 => Client::Thunderbird,
            _ => Client::Phone,
        },
        _ => match rng.weighted(&[30, 30, 15, 10, 15]) {
            0 => Client::Gmail,
            1 => Client::Outlook,
            2 => Client::AppleMail,
            3 => Client::Thunderbird,
            _ => Client::Phone,
        },
    };
    let local = if l.is_empty() {
        format!("{f}{}", rng.between(1, 999))
    } else if company.is_some() {
        match rng.weighted(&[5, 3, 2]) {
            0 => format!("{f}.{l}"),
            1 => format!("{}{l}", f.get(..1).unwrap_or("x")),
            _ => f.clone(),
        }
    } else {
        match rng.weighted(&[3, 4, 2, 1]) {
            0 => format!("{f}.{l}"),
            1 => format!("{f}.{l}{}", rng.between(1, 99)),
            2 => format!("{}{l}{}", f.get(..1).unwrap_or("x"), rng.between(60, 2005)),
            _ => format!("{l}_{f}"),
        }
    };
    let offset = match lang {
        Lang::En => Some(*rng.pick(&[-480, -420, -300, -360, 0, 0, 60, 600])),
        Lang::Fr => None,
        Lang::Id => Some(*rng.pick(&[420, 420, 420, 480])),
    };
    let charset = if lang == Lang::Fr && rng.chance(0.3) {
        Charset::Latin1
    } else {
        Charset::Utf8
    };
    Person {
        first,
        name,
        email: format!("{local}@{domain}"),
        domain,
        company,
        lang,
        client,
        offset,
        charset,
    }
}

/// A support agent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Agent {
    pub first: &'static str,
    pub last: &'static str,
    pub lang: Lang,
    pub offset: Option<i32>,
}

pub(crate) const AGENTS: &[Agent] = &[
    Agent {
        first: "Maya",
        last: "Chen",
        lang: Lang::En,
        offset: Some(0),
    },
    Agent {
        first: "Tom",
        last: "Becker",
        lang: Lang::En,
        offset: Some(0),
    },
    Agent {
        first: "Priya",
        last: "Nair",
        lang: Lang::En,
        offset: Some(0),
    },
    Agent {
        first: "Sam",
        last: "Okafor",
        lang: Lang::En,
        offset: Some(-300),
    },
    Agent {
        first: "Léa",
        last: "Rousseau",
        lang: Lang::Fr,
        offset: None,
    },
    Agent {
        first: "Hugo",
        last: "Lefèvre",
        lang: Lang::Fr,
        offset: None,
    },
    Agent {
        first: "Dewi",
        last: "Anggraini",
        lang: Lang::Id,
        offset: Some(420),
    },
    Agent {
        first: "Rizal",
        last: "Hakim",
        lang: Lang::Id,
        offset: Some(420),
    },
];

impl Agent {
    pub(crate) fn offset_at(&self, unix: i64) -> i32 {
        self.offset
            .unwrap_or_else(|| super::enc::paris_offset(unix))
    }

    pub(crate) fn address(&self, team_domain: &str) -> String {
        format!("{}@{team_domain}", ascii_fold(self.first))
    }
}

/// An agent suited to a conversation in `lang` (mostly one who speaks it).
pub(crate) fn pick_agent(rng: &mut Rng, lang: Lang) -> usize {
    let speakers: Vec<usize> = (0..AGENTS.len())
        .filter(|&i| AGENTS[i].lang == lang)
        .collect();
    if (lang != Lang::En && rng.chance(0.15)) || speakers.is_empty() {
        rng.index(AGENTS.len())
    } else {
        *rng.pick(&speakers)
    }
}

/// "Acme" from "acme.example".
pub(crate) fn team_name(team_domain: &str) -> String {
    let label = team_domain.split('.').next().unwrap_or(team_domain);
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Team".to_string(),
    }
}

/// A colleague of `person` at the same company (for Cc).
pub(crate) fn colleague(rng: &mut Rng, person: &Person) -> (String, String) {
    let (firsts, lasts) = names(person.lang);
    let first = *rng.pick(firsts);
    let last = *rng.pick(lasts);
    let email = format!(
        "{}.{}@{}",
        ascii_fold(first),
        ascii_fold(last),
        person.domain
    );
    (format!("{first} {last}"), email)
}
