/** What other packages may use of the gateway: the test fixture that makes users through its repository. */
export { type SignedInUser, TEST_PASSWORD, type TestUser, UserFactory } from './users/users.fixture.ts';
