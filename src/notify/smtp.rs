//! One delivery over SMTP through lettre: a multipart/alternative message (plain text, then
//! HTML) with the outbox row's `Message-ID`, bounded by `mail.timeout_ms` from connect to quit.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::notify::store::OutboxRow;
use crate::settings::MailSettings;

/// What became of one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The SMTP server accepted the message.
    Sent,
    /// No SMTP configured: the message is for the mail viewer only.
    KeptForViewer,
    /// It may work later (server down, slow, or a temporary refusal).
    Retry(String),
    /// It will never work (a bad address, a permanent refusal).
    Refused(String),
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl Smtp {
    pub fn new(settings: &MailSettings) -> anyhow::Result<Smtp> {
        let timeout = Duration::from_millis(settings.timeout_ms.max(100));
        let url = settings.smtp_url.trim();
        let host = settings.smtp_host.trim();
        let builder = if !url.is_empty() {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?
        } else {
            let builder = match settings.tls.trim() {
                "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                "starttls" | "" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
                other => anyhow::bail!("mail.tls must be starttls, tls or none, not {other:?}"),
            };
            let builder = builder.port(settings.smtp_port);
            if settings.smtp_username.is_empty() {
                builder
            } else {
                builder.credentials(Credentials::new(
                    settings.smtp_username.clone(),
                    settings.smtp_password.clone(),
                ))
            }
        };
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail.from {:?}: {e}", settings.from))?;
        Ok(Smtp {
            transport: builder.timeout(Some(timeout)).build(),
            from,
            timeout,
        })
    }

    /// Sends `row` once.
    pub async fn send(&self, row: &OutboxRow) -> Attempt {
        let message = match self.message(row) {
            Ok(message) => message,
            Err(reason) => return Attempt::Refused(reason),
        };
        // lettre bounds each command; this bounds the whole conversation.
        match tokio::time::timeout(self.timeout * 2, self.transport.send(message)).await {
            Err(_) => Attempt::Retry("the SMTP server did not answer in time".into()),
            Ok(Ok(_)) => Attempt::Sent,
            Ok(Err(e)) if e.is_permanent() => Attempt::Refused(format!("refused: {e}")),
            Ok(Err(e)) => Attempt::Retry(e.to_string()),
        }
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, String> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        Message::builder()
            .message_id(Some(row.message_id.clone()))
            .date_now()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                row.text_body.clone(),
                row.html_body.clone(),
            ))
            .map_err(|e| format!("message could not be built: {e}"))
    }
}
