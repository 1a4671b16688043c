//! The emulator's hand-written lifecycles (issue 9, item 4) driven through the generated
//! SDK: an `oxido::Client` pointed at an emulator on 127.0.0.1, waiters included, with
//! the effects asserted on the SDK's typed values. One module per resource under `sdk/`,
//! all in this one test binary. The plain-reqwest twins are in `tests/api/`.

mod sdk;
