//! What people write: subjects and message bodies for support conversations in English,
//! French and Indonesian, filled from per-conversation facts (error code, version, invoice…).

use super::enc::iso_utc;
use super::people::Lang;
use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Topic {
    Bug,
    HowTo,
    Billing,
    Feature,
    Login,
}

impl Topic {
    pub(crate) fn draw(rng: &mut Rng) -> Topic {
        match rng.weighted(&[34, 24, 20, 10, 12]) {
            0 => Topic::Bug,
            1 => Topic::HowTo,
            2 => Topic::Billing,
            3 => Topic::Feature,
            _ => Topic::Login,
        }
    }
}

/// Facts one conversation keeps talking about.
#[derive(Clone, Debug)]
pub(crate) struct Facts {
    pub code: &'static str,
    pub version: String,
    pub os: &'static str,
    pub feature: &'static str,
    pub task: &'static str,
    pub month: &'static str,
    pub invoice: String,
    pub amount: String,
    pub percent: u32,
    pub article: u32,
    pub team: String,
}

const CODES: &[&str] = &[
    "429",
    "502",
    "503",
    "500",
    "504",
    "404",
    "E1234",
    "E2041",
    "E0007",
    "E4410",
    "ERR_SYNC_TIMEOUT",
    "0x80070005",
];
const OSES: &[&str] = &[
    "Windows 11",
    "Windows 10",
    "macOS 14.5",
    "macOS 15.1",
    "Ubuntu 24.04",
    "Android 14",
    "iOS 17.4",
    "Chrome 126",
];

impl Facts {
    pub(crate) fn draw(rng: &mut Rng, lang: Lang, team: &str) -> Facts {
        let (features, tasks, months): (&[&str], &[&str], &[&str]) = match lang {
            Lang::En => (EN_FEATURES, EN_TASKS, EN_MONTHS),
            Lang::Fr => (FR_FEATURES, FR_TASKS, FR_MONTHS),
            Lang::Id => (ID_FEATURES, ID_TASKS, ID_MONTHS),
        };
        let cents = *rng.pick(&[900u32, 1900, 2900, 4900, 9900, 14_900, 29_900]);
        let amount = match lang {
            Lang::En => format!("${}.{:02}", cents / 100, cents % 100),
            Lang::Fr => format!("{},{:02} €", cents / 100, cents % 100),
            Lang::Id => format!("Rp {}.000", cents / 100 * 15),
        };
        Facts {
            code: rng.word(CODES),
            version: format!(
                "v{}.{}.{}",
                rng.between(1, 4),
                rng.between(0, 12),
                rng.between(0, 9)
            ),
            os: rng.word(OSES),
            feature: rng.word(features),
            task: rng.word(tasks),
            month: rng.word(months),
            invoice: format!("INV-2026-{:05}", rng.between(1, 99_999)),
            amount,
            percent: rng.between(3, 97) as u32,
            article: rng.between(1000, 9999) as u32,
            team: team.to_string(),
        }
    }

    pub(crate) fn fill(&self, template: &str) -> String {
        template
            .replace("{code}", self.code)
            .replace("{ver}", &self.version)
            .replace("{os}", self.os)
            .replace("{feature}", self.feature)
            .replace("{task}", self.task)
            .replace("{month}", self.month)
            .replace("{inv}", &self.invoice)
            .replace("{amount}", &self.amount)
            .replace("{n}", &self.percent.to_string())
            .replace("{article}", &self.article.to_string())
            .replace("{team}", &self.team)
    }
}

const EN_FEATURES: &[&str] = &[
    "dark mode",
    "CSV export",
    "bulk tagging",
    "an API for tickets",
    "a Slack integration",
    "custom fields",
    "scheduled reports",
    "saved replies",
    "keyboard shortcuts",
    "hardware security keys",
];
const FR_FEATURES: &[&str] = &[
    "le mode sombre",
    "l'export CSV",
    "l'étiquetage groupé",
    "une API pour les tickets",
    "une intégration Slack",
    "les champs personnalisés",
    "les rapports planifiés",
    "les réponses enregistrées",
];
const ID_FEATURES: &[&str] = &[
    "mode gelap",
    "ekspor CSV",
    "tag massal",
    "API untuk tiket",
    "integrasi Slack",
    "kolom kustom",
    "laporan terjadwal",
    "balasan tersimpan",
];
const EN_TASKS: &[&str] = &[
    "add a teammate",
    "change the invoice address",
    "export all my data",
    "connect a second mailbox",
    "set up SSO",
    "delete an old project",
    "change my plan",
    "move tickets between inboxes",
];
const FR_TASKS: &[&str] = &[
    "ajouter un collègue",
    "changer l'adresse de facturation",
    "exporter toutes mes données",
    "connecter une deuxième boîte mail",
    "configurer le SSO",
    "supprimer un ancien projet",
    "changer d'offre",
];
const ID_TASKS: &[&str] = &[
    "menambah anggota tim",
    "mengganti alamat penagihan",
    "mengekspor semua data",
    "menghubungkan kotak surat kedua",
    "mengatur SSO",
    "menghapus proyek lama",
    "mengganti paket",
];
const EN_MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
];
const FR_MONTHS: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
];
const ID_MONTHS: &[&str] = &[
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
];

/// Subjects several unrelated customers use, in each language, by topic.
fn generic_subjects(lang: Lang, topic: Topic) -> &'static [&'static str] {
    match (lang, topic) {
        (Lang::En, Topic::Billing) => &["Question about billing", "Invoice", "Billing"],
        (Lang::En, Topic::Login) => &["Login problem", "Password"],
        (Lang::En, _) => &["Help", "Question", "Urgent", "Problem", "Support request"],
        (Lang::Fr, Topic::Billing) => &["Facture", "Question sur la facturation"],
        (Lang::Fr, Topic::Login) => &["Problème de connexion"],
        (Lang::Fr, _) => &["Question", "Aide", "Urgent", "Problème"],
        (Lang::Id, Topic::Billing) => &["Tagihan", "Invoice", "Pertanyaan tentang tagihan"],
        (Lang::Id, Topic::Login) => &["Masalah login"],
        (Lang::Id, _) => &["Bantuan", "Pertanyaan", "Penting", "Mohon bantuan"],
    }
}

fn specific_subjects(lang: Lang, topic: Topic) -> &'static [&'static str] {
    match (lang, topic) {
        (Lang::En, Topic::Bug) => &[
            "Error {code} when syncing",
            "App crashes after updating to {ver}",
            "Sync stuck at {n}%",
            "{code} errors since this morning",
            "Export fails with {code}",
            "Bug: attachments missing in {ver}",
            "Can’t open reports on {os}",
        ],
        (Lang::Fr, Topic::Bug) => &[
            "Erreur {code} lors de la synchronisation",
            "Plantage depuis la mise à jour {ver}",
            "Problème d'export ({code})",
            "La synchronisation bloque à {n} %",
            "Bug sur {os} : écran blanc",
        ],
        (Lang::Id, Topic::Bug) => &[
            "Error {code} saat sinkronisasi",
            "Aplikasi crash setelah update ke {ver}",
            "Sinkronisasi macet di {n}%",
            "Tidak bisa ekspor laporan ({code})",
        ],
        (Lang::En, Topic::HowTo) => &[
            "How do I {task}?",
            "Question about {feature}",
            "Where can I {task}?",
            "Quick question",
        ],
        (Lang::Fr, Topic::HowTo) => &[
            "Comment {task} ?",
            "Question sur {feature}",
            "Petite question",
        ],
        (Lang::Id, Topic::HowTo) => &[
            "Bagaimana cara {task}?",
            "Pertanyaan tentang {feature}",
            "Mau tanya",
        ],
        (Lang::En, Topic::Billing) => &[
            "Charged twice in {month}",
            "Refund for invoice {inv}",
            "Invoice {inv} is wrong",
            "Change billing address",
            "VAT number on invoice",
        ],
        (Lang::Fr, Topic::Billing) => &[
            "J'ai été facturé deux fois en {month}",
            "Remboursement de la facture {inv}",
            "Facture {inv} erronée",
            "Clôture de mon compte et facturation",
            "Facture non reçue",
        ],
        (Lang::Id, Topic::Billing) => &[
            "Tagihan ganda bulan {month}",
            "Pengembalian dana invoice {inv}",
            "Invoice {inv} salah",
            "Ganti alamat penagihan",
        ],
        (Lang::En, Topic::Feature) => &[
            "Feature request: {feature}",
            "Suggestion: {feature}",
            "Any plans for {feature}?",
        ],
        (Lang::Fr, Topic::Feature) => &[
            "Suggestion : {feature}",
            "Demande de fonctionnalité : {feature}",
        ],
        (Lang::Id, Topic::Feature) => &["Usulan fitur: {feature}", "Apakah ada rencana {feature}?"],
        (Lang::En, Topic::Login) => &[
            "Cannot log in",
            "Password reset email never arrives",
            "Locked out of my account",
            "2FA code not accepted",
        ],
        (Lang::Fr, Topic::Login) => &[
            "Impossible de me connecter",
            "Pas reçu l'e-mail de réinitialisation",
            "Compte bloqué",
        ],
        (Lang::Id, Topic::Login) => &[
            "Tidak bisa login",
            "Email reset password tidak masuk",
            "Akun terkunci",
        ],
    }
}

/// A first-message subject: about a quarter are generic ones many customers share.
pub(crate) fn subject(rng: &mut Rng, lang: Lang, topic: Topic, facts: &Facts) -> String {
    if rng.chance(0.25) {
        (rng.word(generic_subjects(lang, topic))).to_string()
    } else {
        facts.fill(rng.word(specific_subjects(lang, topic)))
    }
}

fn customer_openers(lang: Lang, topic: Topic) -> &'static [&'static str] {
    match (lang, topic) {
        (Lang::En, Topic::Bug) => &[
            "Since updating to {ver}, the app shows error {code} every time I try to sync.",
            "We keep getting {code} responses from the API since this morning, roughly one request in ten.",
            "The desktop app on {os} crashes as soon as I open the reports tab.",
            "From what I can tell the export starts but never finishes; after a few minutes it fails with {code}.",
            "Sync has been stuck at {n}% for two days now and nothing I do gets it moving.",
        ],
        (Lang::Fr, Topic::Bug) => &[
            "Depuis la mise à jour vers {ver}, l'application affiche l'erreur {code} à chaque synchronisation.",
            "Nous avons un problème : l'export échoue avec le code {code} depuis ce matin.",
            "L'application plante sur {os} dès que j'ouvre l'onglet des rapports.",
            "La synchronisation reste bloquée à {n} % depuis deux jours.",
        ],
        (Lang::Id, Topic::Bug) => &[
            "Sejak update ke {ver}, aplikasi selalu menampilkan error {code} setiap kali sinkronisasi.",
            "Kami terus mendapat respons {code} dari API sejak pagi ini.",
            "Aplikasi desktop di {os} langsung crash begitu saya membuka tab laporan.",
            "Sinkronisasi macet di {n}% sudah dua hari.",
        ],
        (Lang::En, Topic::HowTo) => &[
            "How do I {task}? I looked through the help center but couldn't find it.",
            "Is there a way to {task} without contacting you every time?",
            "We're new to {team} and I'm trying to figure out how to {task}.",
            "Does {feature} work on the Starter plan, and if so where do I turn it on?",
        ],
        (Lang::Fr, Topic::HowTo) => &[
            "Comment faire pour {task} ? Je n'ai rien trouvé dans le centre d'aide.",
            "Est-il possible de {task} sans passer par vous ?",
            "Nous venons de commencer avec {team} et je cherche comment {task}.",
        ],
        (Lang::Id, Topic::HowTo) => &[
            "Bagaimana cara {task}? Saya sudah cari di pusat bantuan tapi tidak ketemu.",
            "Apakah bisa {task} sendiri tanpa menghubungi tim support?",
            "Kami baru pakai {team} dan saya bingung cara {task}.",
        ],
        (Lang::En, Topic::Billing) => &[
            "We were charged twice for {month}: two payments of {amount} on the same card.",
            "Invoice {inv} shows the wrong company name, could you send a corrected one?",
            "I'd like a refund for invoice {inv}; we cancelled before the renewal date.",
            "Can you add our VAT number to future invoices?",
            "We never received the invoice for {month}.",
        ],
        (Lang::Fr, Topic::Billing) => &[
            "Nous avons été facturés deux fois pour {month} : deux prélèvements de {amount}.",
            "La facture {inv} comporte une erreur sur la raison sociale, pouvez-vous la corriger ?",
            "Je souhaite la clôture de notre compte et le remboursement de la facture {inv}.",
            "Nous n'avons pas reçu la facture de {month}.",
            "Pouvez-vous ajouter notre numéro de TVA intracommunautaire sur les factures ?",
        ],
        (Lang::Id, Topic::Billing) => &[
            "Kami ditagih dua kali untuk bulan {month}, masing-masing {amount}.",
            "Invoice {inv} salah nama perusahaan, mohon dikirim ulang yang benar.",
            "Saya ingin pengembalian dana untuk invoice {inv} karena kami sudah berhenti berlangganan.",
            "Invoice bulan {month} belum kami terima.",
            "Mohon tambahkan NPWP perusahaan kami di invoice berikutnya.",
        ],
        (Lang::En, Topic::Feature) => &[
            "It would be great to have {feature}. Right now we work around it with spreadsheets.",
            "Any plans to support {feature}? It's the main thing my team keeps asking for.",
            "Competitors already offer {feature}, and it would help us a lot.",
        ],
        (Lang::Fr, Topic::Feature) => &[
            "Ce serait vraiment pratique d'avoir {feature}, nous bricolons avec des tableurs en attendant.",
            "Est-ce que {feature} est prévu ? Mon équipe le demande souvent.",
        ],
        (Lang::Id, Topic::Feature) => &[
            "Akan sangat membantu kalau ada {feature}.",
            "Apakah ada rencana menambahkan {feature}? Tim saya sering menanyakannya.",
        ],
        (Lang::En, Topic::Login) => &[
            "I can't log in since yesterday; the page just says \"invalid credentials\" even after a reset.",
            "The password reset email never arrives, I checked spam too.",
            "My account got locked after too many attempts, can you unlock it?",
            "The 2FA code from my authenticator app is rejected every time.",
        ],
        (Lang::Fr, Topic::Login) => &[
            "Je n'arrive plus à me connecter depuis hier, même après avoir réinitialisé mon mot de passe.",
            "L'e-mail de réinitialisation n'arrive jamais, j'ai vérifié les indésirables.",
            "Mon compte est bloqué après plusieurs tentatives, pouvez-vous le débloquer ?",
        ],
        (Lang::Id, Topic::Login) => &[
            "Saya tidak bisa login sejak kemarin, padahal sudah reset password.",
            "Email reset password tidak pernah masuk, sudah cek folder spam juga.",
            "Akun saya terkunci setelah beberapa kali salah password, mohon dibantu.",
        ],
    }
}

fn customer_details(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Two of my colleagues see the same problem, so I don't think it's our network.",
            "I already tried logging out and back in, and reinstalling {ver}.",
            "This is blocking our team, so a quick answer would be much appreciated.",
            "We're on the Business plan, in case that matters.",
            "It worked fine last week.",
        ],
        Lang::Fr => &[
            "J'ai déjà essayé de me déconnecter et de réinstaller la version {ver}, sans succès.",
            "Deux collègues ont le même problème, ce n'est donc pas notre réseau.",
            "C'est assez urgent pour nous, merci de votre réponse rapide.",
            "Tout fonctionnait très bien la semaine dernière.",
        ],
        Lang::Id => &[
            "Saya sudah coba logout lalu login lagi, dan juga install ulang {ver}, tapi masih sama.",
            "Dua rekan kerja saya juga mengalami masalah yang sama.",
            "Ini cukup mendesak untuk tim kami, mohon segera dibantu.",
            "Minggu lalu masih normal.",
        ],
    }
}

fn log_intro(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Here is what the log says:",
        Lang::Fr => "Voici ce que dit le journal :",
        Lang::Id => "Ini isi log-nya:",
    }
}

fn team_answers(lang: Lang, topic: Topic) -> &'static [&'static str] {
    match (lang, topic) {
        (Lang::En, Topic::Bug) => &[
            "Thanks for the detailed report. Our engineers found the cause of the {code} errors and a fix ships in the next release.",
            "Could you send us the full log from the last sync? The part around {code} is the most useful.",
            "We rolled back the change that caused this; please try again and let me know if you still see {code}.",
            "This is a known issue in {ver}. Updating to the latest build should fix it.",
        ],
        (Lang::Fr, Topic::Bug) => &[
            "Merci pour ce signalement détaillé. Nos ingénieurs ont trouvé l'origine de l'erreur {code} ; le correctif sera dans la prochaine version.",
            "Pourriez-vous nous envoyer le journal complet de la dernière synchronisation ?",
            "C'est un problème connu de la version {ver}. La mise à jour vers la dernière version devrait le résoudre.",
        ],
        (Lang::Id, Topic::Bug) => &[
            "Terima kasih atas laporannya. Tim engineer kami sudah menemukan penyebab error {code} dan perbaikannya ada di rilis berikutnya.",
            "Boleh kirimkan log lengkap dari sinkronisasi terakhir?",
            "Ini masalah yang sudah kami ketahui di {ver}. Silakan update ke versi terbaru.",
        ],
        (Lang::En, Topic::HowTo) => &[
            "You can {task} from Settings > Workspace. There's a short guide here: https://help.example.com/articles/{article}",
            "Good question! Only admins can {task}; your account owner can change your role under Settings > Team.",
            "Yes, {feature} is included in every plan. You'll find it under Settings > Features.",
        ],
        (Lang::Fr, Topic::HowTo) => &[
            "Vous pouvez {task} depuis Paramètres > Espace de travail. Le guide est ici : https://help.example.com/articles/{article}",
            "Seuls les administrateurs peuvent {task} ; le propriétaire du compte peut modifier votre rôle.",
        ],
        (Lang::Id, Topic::HowTo) => &[
            "Anda bisa {task} dari menu Pengaturan > Workspace. Panduannya ada di sini: https://help.example.com/articles/{article}",
            "Hanya admin yang bisa {task}; pemilik akun dapat mengubah peran Anda.",
        ],
        (Lang::En, Topic::Billing) => &[
            "I've refunded the duplicate charge of {amount}; it should appear on your statement within 5–10 business days.",
            "I've attached a corrected copy of invoice {inv}.",
            "Your VAT number is now on the account, so it will appear on every invoice from {month} on.",
        ],
        (Lang::Fr, Topic::Billing) => &[
            "J'ai procédé au remboursement du prélèvement en double ({amount}) ; il apparaîtra sous 5 à 10 jours ouvrés.",
            "Vous trouverez ci-joint la facture {inv} corrigée.",
            "La clôture de votre compte est confirmée, plus rien ne sera facturé.",
        ],
        (Lang::Id, Topic::Billing) => &[
            "Dana tagihan ganda sebesar {amount} sudah kami kembalikan, akan masuk dalam 5-10 hari kerja.",
            "Terlampir invoice {inv} yang sudah diperbaiki.",
            "NPWP Anda sudah kami tambahkan, jadi akan muncul di invoice mulai bulan {month}.",
        ],
        (Lang::En, Topic::Feature) => &[
            "Thanks for the suggestion! I've passed it on to our product team.",
            "{feature} is on our roadmap for later this year; I've added your vote.",
        ],
        (Lang::Fr, Topic::Feature) => &[
            "Merci pour la suggestion ! Je l'ai transmise à l'équipe produit.",
            "C'est prévu sur notre feuille de route ; j'ai ajouté votre vote.",
        ],
        (Lang::Id, Topic::Feature) => &[
            "Terima kasih atas masukannya! Sudah saya teruskan ke tim produk.",
            "Fitur ini sudah ada di roadmap kami tahun ini; suara Anda sudah saya catat.",
        ],
        (Lang::En, Topic::Login) => &[
            "I've unlocked your account and sent a new reset link. It's valid for 24 hours.",
            "It looks like our reset emails were delayed this morning; they're going out again now.",
            "Please check that your phone's clock is set automatically, 2FA codes depend on it.",
        ],
        (Lang::Fr, Topic::Login) => &[
            "J'ai débloqué votre compte et envoyé un nouveau lien de réinitialisation, valable 24 heures.",
            "Nos e-mails de réinitialisation ont été retardés ce matin ; ils repartent maintenant.",
        ],
        (Lang::Id, Topic::Login) => &[
            "Akun Anda sudah kami buka kembali dan link reset baru sudah dikirim, berlaku 24 jam.",
            "Email reset kami sempat tertunda pagi ini; sekarang sudah dikirim ulang.",
        ],
    }
}

fn customer_followups(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Thanks, that fixed it!",
            "Still the same error ({code}) after updating, unfortunately.",
            "Here is the log you asked for.",
            "Any update on this? It's still happening.",
            "Great, thanks for the quick response.",
            "Sorry, one more question: how long does that usually take?",
            "Also, I forgot to mention that we're on {os}.",
        ],
        Lang::Fr => &[
            "Merci, c'est réglé !",
            "Toujours la même erreur ({code}) après la mise à jour, malheureusement.",
            "Voici le journal demandé.",
            "Avez-vous du nouveau ? Le problème persiste.",
            "Merci pour la réponse rapide.",
            "Une dernière question : combien de temps cela prend-il en général ?",
        ],
        Lang::Id => &[
            "Terima kasih, sudah beres!",
            "Masih error yang sama ({code}) setelah update.",
            "Ini log yang diminta.",
            "Ada kabar terbaru? Masalahnya masih terjadi.",
            "Oke, terima kasih atas respons cepatnya.",
            "Satu pertanyaan lagi: biasanya berapa lama prosesnya?",
        ],
    }
}

fn team_followups(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Just checking in: did the fix work for you?",
            "Glad to hear it! I'll close this ticket, but just reply if anything else comes up.",
            "Thanks for the log, I've forwarded it to our engineers and will update you as soon as I hear back.",
            "Usually within two business days. I'll keep an eye on it for you.",
        ],
        Lang::Fr => &[
            "Je reviens vers vous : le correctif a-t-il fonctionné ?",
            "Ravi que ce soit réglé ! Je clôture le ticket, mais n'hésitez pas à répondre si besoin.",
            "Merci pour le journal, je l'ai transmis à nos ingénieurs et reviens vers vous dès que possible.",
        ],
        Lang::Id => &[
            "Sekadar menindaklanjuti: apakah perbaikannya sudah berhasil?",
            "Senang mendengarnya! Tiket ini saya tutup, tapi silakan balas kalau ada kendala lagi.",
            "Terima kasih atas log-nya, sudah saya teruskan ke tim engineer dan akan saya kabari secepatnya.",
        ],
    }
}

fn greetings(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Hi,",
            "Hello,",
            "Hi there,",
            "Hello {team} team,",
            "Dear support,",
            "Hey,",
        ],
        Lang::Fr => &[
            "Bonjour,",
            "Bonjour à toute l'équipe,",
            "Madame, Monsieur,",
            "Bonjour {team},",
        ],
        Lang::Id => &[
            "Halo,",
            "Selamat pagi,",
            "Selamat siang,",
            "Halo tim {team},",
            "Dengan hormat,",
        ],
    }
}

fn closings(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Thanks,",
            "Thanks in advance,",
            "Best,",
            "Cheers,",
            "Regards,",
            "Kind regards,",
        ],
        Lang::Fr => &[
            "Merci d'avance,",
            "Cordialement,",
            "Bien cordialement,",
            "Merci,",
            "Bonne journée,",
        ],
        Lang::Id => &[
            "Terima kasih,",
            "Salam,",
            "Terima kasih banyak,",
            "Hormat saya,",
        ],
    }
}

fn phone_signature(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Sent from my iPhone",
        Lang::Fr => "Envoyé de mon iPhone",
        Lang::Id => "Dikirim dari iPhone saya",
    }
}

/// A stack-trace-ish or log block (lines joined by CRLF) for bug reports.
pub(crate) fn stack_block(rng: &mut Rng, facts: &Facts, unix: i64) -> String {
    let lines: Vec<String> = match rng.index(5) {
        0 => vec![
            "java.net.SocketTimeoutException: Read timed out".into(),
            "    at com.acme.sync.HttpClient.execute(HttpClient.java:214)".into(),
            "    at com.acme.sync.Worker.pull(Worker.java:88)".into(),
            "    at com.acme.sync.Worker.run(Worker.java:41)".into(),
        ],
        1 => vec![
            "Traceback (most recent call last):".into(),
            "  File \"/opt/acme/agent/cli.py\", line 112, in main".into(),
            "    client.upload(path)".into(),
            "  File \"/opt/acme/agent/client.py\", line 57, in upload".into(),
            "    raise ApiError(resp.status_code)".into(),
            format!("acme.errors.ApiError: {}", facts.code),
        ],
        2 => vec![
            format!(
                "thread 'sync-worker' panicked at src/queue.rs:{}:9:",
                rng.between(40, 400)
            ),
            "called `Result::unwrap()` on an `Err` value: Timeout".into(),
        ],
        3 => {
            let t = unix - rng.between(60, 7200);
            vec![
                format!(
                    "{} INFO  sync started (client {}, {})",
                    iso_utc(t),
                    facts.version,
                    facts.os
                ),
                format!(
                    "{} WARN  retrying request {} (attempt 3/3)",
                    iso_utc(t + 31),
                    rng.hex(8)
                ),
                format!(
                    "{} ERROR [{}] upstream returned an error, giving up",
                    iso_utc(t + 95),
                    facts.code
                ),
            ]
        }
        _ => vec![
            "TypeError: Cannot read properties of undefined (reading 'id')".into(),
            format!(
                "    at renderList (app.{}.js:1:{})",
                rng.hex(6),
                rng.between(1000, 90_000)
            ),
            format!(
                "    at commitRoot (vendor.{}.js:2:{})",
                rng.hex(6),
                rng.between(1000, 90_000)
            ),
        ],
    };
    lines.join("\r\n")
}

/// A paragraph of a body: prose (wrapped or not, per the client) or preformatted lines.
#[derive(Clone, Debug)]
pub(crate) enum Para {
    Prose(String),
    Pre(String),
}

/// The new text of a message, as paragraphs.
pub(crate) struct Draft {
    pub paras: Vec<Para>,
}

pub(crate) struct Who<'a> {
    pub lang: Lang,
    pub topic: Topic,
    pub facts: &'a Facts,
    pub unix: i64,
}

fn push_lines(paras: &mut Vec<Para>, lines: &[String]) {
    paras.push(Para::Pre(lines.join("\r\n")));
}

/// The customer's first message of a ticket.
pub(crate) fn customer_first(
    rng: &mut Rng,
    w: &Who<'_>,
    first_name: &str,
    company: Option<&str>,
    phone: bool,
) -> Draft {
    let f = w.facts;
    let mut paras = vec![Para::Pre(f.fill(rng.word(greetings(w.lang))))];
    let mut opening = f.fill(rng.word(customer_openers(w.lang, w.topic)));
    let details = customer_details(w.lang);
    let detail = rng.index(details.len());
    if rng.chance(0.5) {
        opening.push(' ');
        opening.push_str(&f.fill(details[detail]));
    }
    paras.push(Para::Prose(opening));
    if w.topic == Topic::Bug && rng.chance(0.4) {
        paras.push(Para::Pre(log_intro(w.lang).to_string()));
        paras.push(Para::Pre(stack_block(rng, f, w.unix)));
    } else if rng.chance(0.2) {
        // A second, different detail as its own paragraph.
        let other = (detail + 1 + rng.index(details.len() - 1)) % details.len();
        paras.push(Para::Prose(f.fill(details[other])));
    }
    let mut sign = vec![
        (rng.word(closings(w.lang))).to_string(),
        first_name.to_string(),
    ];
    if let Some(c) = company
        && rng.chance(0.5)
    {
        sign.push(c.to_string());
    }
    push_lines(&mut paras, &sign);
    if phone {
        paras.push(Para::Pre(phone_signature(w.lang).to_string()));
    }
    Draft { paras }
}

/// A later customer message (a reply, or a nudge when nobody answered yet).
pub(crate) fn customer_later(rng: &mut Rng, w: &Who<'_>, first_name: &str, phone: bool) -> Draft {
    let f = w.facts;
    let mut paras = Vec::new();
    if rng.chance(0.5) {
        paras.push(Para::Pre(f.fill(rng.word(greetings(w.lang)))));
    }
    paras.push(Para::Prose(f.fill(rng.word(customer_followups(w.lang)))));
    if w.topic == Topic::Bug && rng.chance(0.2) {
        paras.push(Para::Pre(stack_block(rng, f, w.unix)));
    }
    push_lines(
        &mut paras,
        &[
            (rng.word(closings(w.lang))).to_string(),
            first_name.to_string(),
        ],
    );
    if phone {
        paras.push(Para::Pre(phone_signature(w.lang).to_string()));
    }
    Draft { paras }
}

/// A team message: an answer, or a follow-up when `followup`.
pub(crate) fn team_message(
    rng: &mut Rng,
    w: &Who<'_>,
    customer_first: &str,
    agent_first: &str,
    followup: bool,
) -> Draft {
    let f = w.facts;
    let greeting = match w.lang {
        Lang::En => format!("Hi {customer_first},"),
        Lang::Fr => format!("Bonjour {customer_first},"),
        Lang::Id => format!("Halo Kak {customer_first},"),
    };
    let mut paras = vec![Para::Pre(greeting)];
    let body = if followup {
        f.fill(rng.word(team_followups(w.lang)))
    } else {
        let answers = team_answers(w.lang, w.topic);
        let first = rng.index(answers.len());
        let mut s = f.fill(answers[first]);
        if answers.len() > 1 && rng.chance(0.3) {
            let second = (first + 1 + rng.index(answers.len() - 1)) % answers.len();
            s.push(' ');
            s.push_str(&f.fill(answers[second]));
        }
        s
    };
    paras.push(Para::Prose(body));
    let (closing, team_line) = match w.lang {
        Lang::En => (
            rng.word(&["Best,", "Best regards,", "Thanks,", "Cheers,"]),
            format!("{} Support", f.team),
        ),
        Lang::Fr => (
            rng.word(&["Bien à vous,", "Cordialement,", "Belle journée,"]),
            format!("L'équipe support {}", f.team),
        ),
        Lang::Id => (
            rng.word(&["Salam hangat,", "Terima kasih,", "Salam,"]),
            format!("Tim Dukungan {}", f.team),
        ),
    };
    push_lines(
        &mut paras,
        &[closing.to_string(), agent_first.to_string(), team_line],
    );
    Draft { paras }
}

/// "On <date>, X wrote:" in the replier's language, `when` already formatted as local time.
pub(crate) fn quote_header(lang: Lang, l: &super::enc::Local, who: &str) -> String {
    const FR_DAYS: [&str; 7] = ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."];
    const FR_MONTHS: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    const ID_DAYS: [&str; 7] = ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"];
    const ID_MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    ];
    let m = (l.month as usize + 11) % 12;
    let d = l.weekday as usize % 7;
    match lang {
        Lang::En => format!(
            "On {}, {} {} {} at {:02}:{:02}, {who} wrote:",
            super::enc::weekday_abbrev(l.weekday),
            l.day,
            super::enc::month_abbrev(l.month),
            l.year,
            l.hour,
            l.minute
        ),
        Lang::Fr => format!(
            "Le {} {} {} {} à {:02}:{:02}, {who} a écrit :",
            FR_DAYS[d], l.day, FR_MONTHS[m], l.year, l.hour, l.minute
        ),
        Lang::Id => format!(
            "Pada {}, {} {} {} pukul {:02}.{:02}, {who} menulis:",
            ID_DAYS[d], l.day, ID_MONTHS[m], l.year, l.hour, l.minute
        ),
    }
}

/// Out-of-office text.
pub(crate) fn auto_reply_text(lang: Lang, first_name: &str, back: &str) -> String {
    match lang {
        Lang::En => format!(
            "Hello,\r\n\r\nThank you for your message. I am out of the office until {back} with limited access to email. For urgent matters please contact my colleagues.\r\n\r\nBest regards,\r\n{first_name}\r\n"
        ),
        Lang::Fr => format!(
            "Bonjour,\r\n\r\nJe suis absent(e) jusqu'au {back} inclus, avec un accès limité à ma messagerie. Pour toute urgence, merci de contacter mes collègues.\r\n\r\nCordialement,\r\n{first_name}\r\n"
        ),
        Lang::Id => format!(
            "Halo,\r\n\r\nTerima kasih atas email Anda. Saya sedang cuti sampai {back} dan akses email terbatas. Untuk hal mendesak silakan hubungi rekan saya.\r\n\r\nSalam,\r\n{first_name}\r\n"
        ),
    }
}
