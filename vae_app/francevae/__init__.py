"""France VAE, the state's VAE platform: a client for its interop API for certifiers, checked against its published
contract (an OpenAPI document read from ``VAE_FRANCEVAE_CONTRACT``, never copied into the project)."""
