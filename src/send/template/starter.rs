//! The starter set: five saved replies every new workspace has, to use as they are or to make
//! the team's own. Each is present until an op names it: saving one under the same name replaces
//! it, removing it keeps it gone (see [`super::fold`]).

use super::Template;
use crate::ticket::op::{Kind, Status};

/// One starter template, as written here.
struct Starter {
    name: &'static str,
    body: &'static str,
    set_status: Option<Status>,
    set_kind: Option<Kind>,
}

// Replies keep the ticket's subject ("Re: …"), so no starter sets one. They greet by first name
// and sign with the agent's first name and the mailbox's name; where those are unknown, the
// person sees the placeholder and writes it in before sending.
const STARTER: [Starter; 5] = [
    Starter {
        name: "Bug acknowledged",
        body: "Hi {{customer.first_name}},

Thank you for reporting this, and I'm sorry for the trouble it has caused. I've passed it on to \
our developers as a bug, with the details you sent, and we're tracking it.

I'll write to you again as soon as there is a fix or a way around it. In the meantime, if you \
notice anything else (when it happens, what you were doing just before), reply to this email \
and it will reach me.

Best regards,
{{agent.first_name}}
{{account.name}}
",
        set_status: Some(Status::Pending),
        set_kind: Some(Kind::Bug),
    },
    Starter {
        name: "Need more details",
        body: "Hi {{customer.first_name}},

Thanks for getting in touch. I'd like to get to the bottom of this, and a few more details \
would help me a lot:

- What were you doing just before it happened? The steps, if you can retrace them.
- What did you expect to happen, and what happened instead?
- Which version are you using, and on which device or operating system?
- If you saw an error message, its exact wording or a screenshot.

Whatever you can send helps, even if it's only part of this.

Thanks,
{{agent.first_name}}
{{account.name}}
",
        set_status: Some(Status::Pending),
        set_kind: None,
    },
    Starter {
        name: "Feature request logged",
        body: "Hi {{customer.first_name}},

Thank you for the suggestion! I've added it to our list of feature requests, where the \
product team looks when deciding what to build next.

I can't promise when, or whether, it will happen, but requests like yours are how those \
decisions get made, and it helps to know how you would use it. If there's more to add about \
what you're trying to do, just reply here.

Best regards,
{{agent.first_name}}
{{account.name}}
",
        set_status: None,
        set_kind: Some(Kind::Feature),
    },
    Starter {
        name: "How-to answer",
        body: "Hi {{customer.first_name}},

Good question! Here's how to do it:

1.
2.
3.

If what you see on your screen doesn't match these steps, send me a screenshot and I'll walk \
you through it.

All the best,
{{agent.first_name}}
{{account.name}}
",
        set_status: None,
        set_kind: Some(Kind::Question),
    },
    Starter {
        name: "Closing",
        body: "Hi {{customer.first_name}},

I'm glad that's sorted! I'll close this ticket now. If anything else comes up, or this comes \
back, just reply to this email and it will reopen straight away.

Thank you for your patience, and have a lovely day.

{{agent.first_name}}
{{account.name}}
",
        set_status: Some(Status::Closed),
        set_kind: None,
    },
];

/// The starter set, in the order above.
pub fn starters() -> Vec<Template> {
    STARTER
        .iter()
        .map(|s| Template {
            name: s.name.to_string(),
            subject: None,
            body: s.body.to_string(),
            set_status: s.set_status,
            set_kind: s.set_kind,
            tags: Vec::new(),
        })
        .collect()
}
