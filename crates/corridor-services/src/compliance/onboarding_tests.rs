//! Onboarding against a real store: the owners screened with subject
//! `beneficial_owner`, a change on an approved merchant audited (and a
//! listed new owner reopening it), and a change prepared from a stale read
//! refused by the writer.

use std::sync::Arc;

use corridor_store::{
    ApiKeyRecord, MerchantRecord, Principal, RefusalCode, Store, StoreConfig, TestClock, WriteOp,
    WriteOutcome, WriteRequest, WriteResult,
};

use super::kyb_info::OwnerInput;
use super::{ComplianceService, KybChanges};

async fn service() -> (ComplianceService, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &StoreConfig::Sqlite(dir.path().join("t.db")),
        Arc::new(TestClock::default()),
        Default::default(),
    )
    .await
    .unwrap();
    (ComplianceService::start(store).await.unwrap(), dir)
}

fn owner(name: &str, dob: &str, country: &str, percent: &str) -> OwnerInput {
    OwnerInput {
        name: name.into(),
        date_of_birth: Some(dob.into()),
        country: Some(country.into()),
        ownership_percent: percent.into(),
    }
}

async fn write(service: &ComplianceService, w: corridor_store::ComplianceWrite) -> WriteOutcome {
    let r = service
        .store()
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Compliance(Box::new(w)),
            idempotency: None,
        })
        .await
        .unwrap();
    match r {
        WriteResult::Done { outcome, .. } => outcome,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_are_screened_changes_audited_and_stale_reads_refused() {
    let (service, _dir) = service().await;
    let merchant = MerchantRecord {
        id: "mer_onboarding".into(),
        legal_name: "Harbour Lights Trading Co., Ltd.".into(),
        country: "CN".into(),
        home_currency: corridor_core::Currency::parse("CNY").unwrap(),
        email: None,
        website: None,
        marketplace_store_ids: vec!["amazon:HARBOUR".into()],
        kyb_status: "pending".into(),
        created_at: service.store().clock().now(),
    };
    let key = ApiKeyRecord {
        key_hash: "h".repeat(64),
        principal: Principal::Merchant(merchant.id.clone()),
    };
    let changes = KybChanges {
        registration_number: Some("91110000600037341L".into()),
        owners: Some(vec![owner("Wang Fang", "1980-05-17", "CN", "100")]),
        ownership_declaration: None,
    };
    let created = service
        .prepare_new_merchant(merchant.clone(), key, &changes, "operator")
        .unwrap();
    let subjects: Vec<&str> = created
        .screenings
        .iter()
        .map(|s| s.record.subject.as_str())
        .collect();
    assert_eq!(subjects, ["merchant", "beneficial_owner"]);
    assert!(created.info.missing(&merchant).is_empty());
    assert_eq!(
        write(&service, created.write).await,
        WriteOutcome::Compliance(Ok(()))
    );
    let stored = service
        .store()
        .merchant_kyb(&merchant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(
        service
            .store()
            .merchant(&merchant.id)
            .await
            .unwrap()
            .unwrap()
            .legal_name,
        merchant.legal_name
    );

    let approved = service
        .prepare_kyb(
            &merchant,
            Some(&stored),
            "approve",
            "checked",
            None,
            "operator",
        )
        .unwrap();
    assert!(approved.refused.is_none());
    assert_eq!(approved.owner_screenings.len(), 1);
    assert_eq!(
        write(&service, approved.write).await,
        WriteOutcome::Compliance(Ok(()))
    );
    let merchant = service
        .store()
        .merchant(&merchant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(merchant.kyb_status, "approved");
    let stored = service
        .store()
        .merchant_kyb(&merchant.id)
        .await
        .unwrap()
        .unwrap();

    // A listed new owner on an approved merchant: audited, and the merchant
    // is pending again.
    let listed = KybChanges {
        owners: Some(vec![
            owner("Wang Fang", "1980-05-17", "CN", "70"),
            owner("Muammar Qadhafi", "1942-06-07", "LY", "30"),
        ]),
        ..KybChanges::default()
    };
    let change = service
        .prepare_kyb_change(
            &merchant,
            Some(&stored),
            &listed,
            None,
            "merchant:mer_onboarding",
        )
        .unwrap();
    assert_eq!(change.status, "pending");
    let actions: Vec<&str> = change
        .write
        .audit
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    assert!(actions.contains(&"merchant.kyb_reopened"), "{actions:?}");
    let audit = change
        .write
        .audit
        .iter()
        .find(|a| a.action == "merchant.kyb_info_changed")
        .unwrap();
    assert!(
        audit.detail.contains("\"kyb_status\":\"approved\""),
        "{}",
        audit.detail
    );
    assert!(
        audit.detail.contains("beneficial_owners"),
        "{}",
        audit.detail
    );
    assert_eq!(
        change.write.alerts.len(),
        1,
        "the listed owner raises an alert"
    );

    // Another change prepared from the same (now stale) read loses.
    let stale = service
        .prepare_kyb_change(
            &merchant,
            Some(&stored),
            &KybChanges {
                registration_number: Some("91110000600037341L".into()),
                ..KybChanges::default()
            },
            None,
            "operator",
        )
        .unwrap();
    assert_eq!(
        write(&service, change.write).await,
        WriteOutcome::Compliance(Ok(()))
    );
    match write(&service, stale.write).await {
        WriteOutcome::Compliance(Err(r)) => assert_eq!(r.code, RefusalCode::VersionConflict),
        other => panic!("{other:?}"),
    }
    let after = service
        .store()
        .merchant(&merchant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.kyb_status, "pending");
    let info = service
        .store()
        .merchant_kyb(&merchant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.version, 3);
    assert!(info.beneficial_owners.contains("Muammar Qadhafi"));
    let log = service.store().audit_log().await.unwrap();
    assert!(log.iter().any(|r| r.action == "merchant.kyb_info_changed"));
}
