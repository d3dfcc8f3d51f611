"""A security key in software, for tests without a browser: it answers the challenge that a page
began (allauth keeps it in the session) as a USB key would, on http://localhost (browsers and
fido2 refuse keys on other plain-http hosts)."""

import os

from allauth.mfa.webauthn.internal.auth import STATE_SESSION_KEY
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import sha256, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

HOST = "localhost"
ORIGIN = f"http://{HOST}"
PRESENT_AND_VERIFIED = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV


class SoftwareKey:
    def __init__(self) -> None:
        self._private_key = ec.generate_private_key(ec.SECP256R1())
        self._id = os.urandom(16)
        self._counter = 0

    def register(self, client) -> dict:
        """The key's answer to the "add a security key" page the client opened last."""
        public_key = ES256.from_cryptography_key(self._private_key.public_key())
        auth_data = AuthenticatorData.create(
            sha256(HOST.encode()),
            PRESENT_AND_VERIFIED | AuthenticatorData.FLAG.AT,
            self._counter,
            AttestedCredentialData.create(bytes(16), self._id, public_key),
        )
        client_data = self._client_data("webauthn.create", client)
        attestation = AttestationObject.create("none", auth_data, {})
        return self._answer(
            {"clientDataJSON": client_data.b64, "attestationObject": websafe_encode(attestation)}
        )

    def sign(self, client) -> dict:
        """The key's answer to the sign-in page the client opened last."""
        self._counter += 1
        auth_data = AuthenticatorData.create(
            sha256(HOST.encode()), PRESENT_AND_VERIFIED, self._counter
        )
        client_data = self._client_data("webauthn.get", client)
        signature = self._private_key.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return self._answer(
            {
                "clientDataJSON": client_data.b64,
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
            }
        )

    @staticmethod
    def _client_data(kind: str, client) -> CollectedClientData:
        challenge = client.session[STATE_SESSION_KEY]["challenge"]
        return CollectedClientData.create(kind, challenge, ORIGIN)

    def _answer(self, response: dict) -> dict:
        key_id = websafe_encode(self._id)
        return {
            "id": key_id,
            "rawId": key_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
        }
