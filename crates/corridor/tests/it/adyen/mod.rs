//! The Adyen connector against Adyen's own API document (served by Prism),
//! its notifications, and Adyen connectors configured through the API.

mod api;
mod capture_failed;
mod disputes;
mod end_to_end;
mod flows;
mod prism;
mod replay;
mod restart_replay;
mod sepa;
