//! Fleet-wide unique client order ids: claimed in Redis (`SET NX` with an
//! expiry) before an order is sent, so a duplicate anywhere in the fleet
//! is refused.

use supreme_core::ClientOrderId;

use crate::fleet::millis;
use crate::{Error, Fleet};

impl Fleet {
    /// Claims `id` for this instance for the configured `order_id_ttl`;
    /// [`Error::DuplicateOrderId`] if any instance claimed it before.
    pub async fn claim_order_id(&self, id: &ClientOrderId) -> Result<(), Error> {
        self.ensure_open()?;
        let key = self.inner.key(&format!("oid:{}", id.as_str()));
        let (owner, ttl) = (
            self.inner.config.instance.clone(),
            millis(self.inner.config.order_id_ttl),
        );
        let set: Option<String> = self
            .run(|mut c| async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(owner)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl)
                    .query_async(&mut c)
                    .await
            })
            .await?;
        match set {
            Some(_) => Ok(()),
            None => Err(Error::DuplicateOrderId(id.as_str().to_owned())),
        }
    }

    /// A new id, `<instance>-<n>` with `n` from a fleet-wide counter
    /// (`INCR`), already claimed for this instance.
    pub async fn next_order_id(&self) -> Result<ClientOrderId, Error> {
        self.ensure_open()?;
        let key = self.inner.key("oid:seq");
        let ttl = millis(self.inner.config.record_ttl);
        let n: u64 = self
            .run(|mut c| async move {
                let (n, _): (u64, i64) = redis::pipe()
                    .atomic()
                    .cmd("INCR")
                    .arg(&key)
                    .cmd("PEXPIRE")
                    .arg(&key)
                    .arg(ttl)
                    .query_async(&mut c)
                    .await?;
                Ok(n)
            })
            .await?;
        let id = ClientOrderId::new(&format!("{}-{n}", self.inner.config.instance))
            .map_err(|e| Error::Config(format!("order id: {e}")))?;
        self.claim_order_id(&id).await?;
        Ok(id)
    }
}
