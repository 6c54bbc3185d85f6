//! Runs after every other live test (`cargo xtask live` runs this file last): `unlink` deletes
//! a volume from Waldur's database for good, so it takes `seed-volume-2`, whose actions are
//! done by then.

use waldur_client::Error;
use waldur_live_tests::{Live, seeded_volumes};

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn unlink_removes_the_volume() {
    let live = Live::from_env();
    let client = live.client();
    let volume = &seeded_volumes(&client).await[2];
    let uuid = *volume
        .uuid
        .required("OpenStackVolume.uuid")
        .expect("a uuid");
    let accepted = client
        .openstack_volumes()
        .unlink(uuid)
        .await
        .expect("unlink");
    assert_eq!(accepted.status, 204);
    assert_eq!(accepted.body, None);
    match client.openstack_volumes().retrieve(uuid).await {
        Err(Error::Status(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(
                e.drf.as_ref().and_then(|d| d.detail.as_deref()),
                Some("No Volume matches the given query.")
            );
        }
        other => panic!("expected a 404 after unlink, got {other:?}"),
    }
    let left = client
        .openstack_volumes()
        .list()
        .name("seed-volume-")
        .count()
        .await
        .expect("count");
    assert_eq!(left, 2);
}
