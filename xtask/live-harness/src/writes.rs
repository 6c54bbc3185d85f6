//! Write round trips through the whole-API crate, each step checked against what the server
//! answers, and everything it made deleted again:
//!
//! - customers: create, retrieve, `partial_update`, list filtered by name;
//! - a structure action: grant the staff user a role in the customer (`add_user`), see it in
//!   `list_users`, revoke it (`delete_user`);
//! - projects: create under that customer (the body carries the customer's URL), retrieve,
//!   list filtered by customer, delete;
//! - customers: delete.
//!
//! The request bodies are built as a user of the crate builds them (constructors, `Nullable`
//! setters, hyperlinked fields as URLs, UUIDs and date-times as the crate writes them), so the
//! server accepting them shows the crate's spelling works.

use crate::calls::api;
use crate::live_check::Report;

use api::models::{
    CustomerRequest, PatchedCustomerRequest, ProjectRequest, UserRoleCreateRequest,
    UserRoleDeleteRequest,
};
use api::{Nullable, Uuid};

use crate::glue::Live;

/// The role the structure action grants (a role every Waldur version has).
const ROLE: &str = "CUSTOMER.SUPPORT";

/// `Ok(detail)` when `check` holds for the value, else what was wrong.
fn expect<T: std::fmt::Debug>(
    result: Result<T, api::Error>,
    check: impl FnOnce(&T) -> Result<String, String>,
) -> Result<T, String> {
    match result {
        Ok(value) => match check(&value) {
            Ok(_) => Ok(value),
            Err(e) => Err(format!("{e}: {value:?}")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Records a step and gives its value, or `None` after recording why it failed.
fn step<T: std::fmt::Debug>(
    report: &mut Report,
    name: &str,
    result: Result<T, api::Error>,
    check: impl FnOnce(&T) -> Result<String, String>,
) -> Option<T> {
    let mut detail = String::new();
    let checked = expect(result, |v| {
        let r = check(v);
        if let Ok(d) = &r {
            detail = d.clone();
        }
        r
    });
    match checked {
        Ok(value) => {
            report.write_step(name, Ok(detail));
            Some(value)
        }
        Err(e) => {
            report.write_step(name, Err(e));
            None
        }
    }
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<String, String> {
    if got == want {
        Ok(format!("{what} {got:?}"))
    } else {
        Err(format!("{what} is {got:?}, expected {want:?}"))
    }
}

pub async fn run(client: &api::Client, live: &Live, report: &mut Report) {
    // Unique per run and crate, so that a run after an interrupted one finds only its own.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let name = format!("live {} {stamp}", report.name);
    let mut body = CustomerRequest::new(name.as_str());
    body.abbreviation = Nullable::Value("LIVE".to_string());
    body.email = Nullable::Value("live@example.org".to_string());
    let Some(customer) = step(
        report,
        "customers: create",
        client.customers().create(body).await,
        |c| same("name", c.name(), Some(name.as_str())),
    ) else {
        return;
    };
    let Some(uuid) = customer.uuid() else {
        report.write_step(
            "customers: create",
            Err("no uuid in the answer".to_string()),
        );
        return;
    };
    customer_steps(client, live, report, uuid, &name).await;
    step(
        report,
        "customers: delete",
        client.customers().destroy(uuid).await,
        |a| same("status", a.status, 204),
    );
    step(
        report,
        "customers: retrieve after delete",
        match client.customers().retrieve(uuid).await {
            Err(api::Error::Status(e)) if e.status == 404 => Ok(404),
            Err(e) => Err(e),
            Ok(c) => Ok(c.uuid().map_or(0, |_| 200)),
        },
        |status| same("status", *status, 404),
    );
}

/// What happens between creating the customer and deleting it.
async fn customer_steps(
    client: &api::Client,
    live: &Live,
    report: &mut Report,
    uuid: Uuid,
    name: &str,
) {
    step(
        report,
        "customers: retrieve",
        client.customers().retrieve(uuid).await,
        |c| {
            same("uuid", c.uuid(), Some(uuid))?;
            same("abbreviation", c.abbreviation(), Some("LIVE"))
        },
    );
    let renamed = format!("{name} renamed");
    let mut patch = PatchedCustomerRequest::default();
    patch.name = Nullable::Value(renamed.clone());
    patch.native_name = Nullable::Value("Живой клиент".to_string());
    step(
        report,
        "customers: partial_update",
        client.customers().partial_update(uuid).body(patch).await,
        |c| {
            same("native_name", c.native_name(), Some("Живой клиент"))?;
            same("name", c.name(), Some(renamed.as_str()))
        },
    );
    step(
        report,
        "customers: list filtered by name",
        client.customers().list().name_exact(&renamed).await,
        |page| {
            same("total", page.total, Some(1))?;
            same(
                "uuids",
                page.items.iter().map(|c| c.uuid()).collect::<Vec<_>>(),
                vec![Some(uuid)],
            )
        },
    );

    // The structure action: a role for the staff user, with an expiry the server must keep.
    if let Some(me) = step(
        report,
        "users: me",
        client.users().me_retrieve().await,
        |u| same("is_staff", u.is_staff(), Some(true)),
    ) && let Some(user) = me.uuid()
    {
        let expiry = "2031-02-03T04:05:06Z"
            .parse::<api::DateTime>()
            .expect("a date-time");
        let mut grant = UserRoleCreateRequest::new(ROLE, user);
        grant.expiration_time = Nullable::Value(expiry);
        step(
            report,
            "customers: add_user",
            client.customers().add_user(uuid, grant).await,
            |answer| Ok(format!("{answer:?}")),
        );
        step(
            report,
            "customers: list_users",
            client.customers().list_users_list(uuid).await,
            |page| {
                let roles: Vec<(Option<Uuid>, Option<&str>)> = page
                    .items
                    .iter()
                    .map(|r| (r.user_uuid(), r.role_name()))
                    .collect();
                same("roles", roles, vec![(Some(user), Some(ROLE))])?;
                same(
                    "expiration_time",
                    page.items[0].expiration_time(),
                    Some(expiry),
                )
            },
        );
        step(
            report,
            "customers: delete_user",
            client
                .customers()
                .delete_user(uuid, UserRoleDeleteRequest::new(ROLE, user))
                .await,
            |answer| Ok(format!("{answer:?}")),
        );
        step(
            report,
            "customers: list_users after delete_user",
            client.customers().list_users_list(uuid).await,
            |page| same("total", page.total, Some(0)),
        );
    }

    project_steps(client, live, report, uuid, name).await;
}

/// A project under the customer: its body names the customer by URL.
async fn project_steps(
    client: &api::Client,
    live: &Live,
    report: &mut Report,
    customer: Uuid,
    name: &str,
) {
    let customer_url = live.api_url(&format!("customers/{}/", customer.simple()));
    let body = match ProjectRequest::builder()
        .name(format!("{name} project"))
        .customer(customer_url.as_str())
        .build()
    {
        Ok(body) => body,
        Err(e) => {
            report.write_step("projects: create", Err(e.to_string()));
            return;
        }
    };
    let Some(project) = step(
        report,
        "projects: create",
        client.projects().create(body).await,
        |p| same("customer_uuid", p.customer_uuid(), Some(customer)),
    ) else {
        return;
    };
    let Some(uuid) = project.uuid() else {
        report.write_step("projects: create", Err("no uuid in the answer".to_string()));
        return;
    };
    step(
        report,
        "projects: retrieve",
        client.projects().retrieve(uuid).await,
        |p| {
            same("customer", p.customer(), Some(customer_url.as_str()))?;
            same("name", p.name(), Some(format!("{name} project").as_str()))
        },
    );
    step(
        report,
        "projects: list filtered by customer",
        crate::calls::projects_of_customer(client.projects().list(), customer).await,
        |page| {
            same("total", page.total, Some(1))?;
            same(
                "uuids",
                page.items.iter().map(|p| p.uuid()).collect::<Vec<_>>(),
                vec![Some(uuid)],
            )
        },
    );
    step(
        report,
        "projects: delete",
        client.projects().destroy(uuid).await,
        |a| same("status", a.status, 204),
    );
}
