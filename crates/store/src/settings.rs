//! A person's own settings (issue 15): whether safety mode is on. Kept in `person_settings`,
//! one sealed body per person, under the person's data key like every other owned body; no
//! partner or therapist query reads the table, and nothing else in the store changes with it
//! (not the data version either, so no page of anyone else can tell that it was switched).

use crate::{Result, Store, on_db, random_id};
use serde::{Deserialize, Serialize};

const TABLE: &str = "person_settings";

/// What the body of a `person_settings` row holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Safety mode: the help area coaches for someone who may not be safe (DESIGN.md §3.3).
    #[serde(default)]
    pub safety_mode: bool,
}

impl Store {
    /// The person's own settings (the defaults when none were ever kept).
    pub async fn settings(&self, person: &str) -> Result<Settings> {
        let rows = self.owned::<Settings>(TABLE, person).await?;
        Ok(rows.into_iter().next().map(|(_, s)| s).unwrap_or_default())
    }

    /// Whether the person's safety mode is on.
    pub async fn safety_mode(&self, person: &str) -> Result<bool> {
        Ok(self.settings(person).await?.safety_mode)
    }

    /// Switches the person's safety mode on or off (one row replaced in one transaction).
    pub async fn set_safety_mode(&self, person: &str, on: bool) -> Result<()> {
        let mut s = self.settings(person).await?;
        s.safety_mode = on;
        let key = self.key_for(person).await?;
        let body = self.seal(key.as_ref(), TABLE, person, &s);
        let id = random_id();
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM person_settings WHERE owner = $1").bind(person).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO person_settings (id, owner, body) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(person)
                .bind(&body)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
