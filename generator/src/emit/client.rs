//! `client.rs`: the API's environments, its security schemes, and the
//! builder methods that set them.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::tokens::{docs, ident, parameters, Scope};
use crate::ir::{Api, SchemeKind, SecurityScheme};
use crate::surface::{Method, Surface};

/// The client module.
pub fn client_file(api: &Api, surface: &Surface, user_agent: &str) -> TokenStream {
    let environment = environment_enum(api);
    let description = api_description(api, user_agent);
    let setters = api
        .security_schemes
        .iter()
        .zip(&surface.credential_setters)
        .map(|(scheme, method)| credential_setter(scheme, method));
    let security_imports = (!api.security_schemes.is_empty()).then(|| {
        quote!(
            use crate::runtime::{Placement, Secret, SecurityScheme};
        )
    });
    quote! {
        //! Where the API is served, and how the client authenticates.

        #security_imports
        use crate::runtime::{ApiDescription, BaseUrl, Client, ClientBuilder};

        #environment
        #description

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(API)
            }
        }

        impl ClientBuilder {
            /// Chooses the environment (server) calls go to.
            pub fn environment(self, environment: Environment) -> Self {
                self.with_base_url(environment.into_base_url())
            }

            #(#setters)*
        }
    }
}

fn environment_enum(api: &Api) -> TokenStream {
    let variants = api.servers.iter().enumerate().map(|(index, server)| {
        let name = ident(&server.variant);
        let docs = docs(&server.docs);
        let default = (index == 0).then(|| quote!(#[default]));
        quote!(#docs #default #name,)
    });
    let urls = api.servers.iter().map(|server| {
        let name = ident(&server.variant);
        let url = &server.url;
        quote!(Self::#name => #url,)
    });
    let indexes = api.servers.iter().enumerate().map(|(index, server)| {
        let name = ident(&server.variant);
        let index = Literal::usize_unsuffixed(index);
        quote!(Self::#name => BaseUrl::Server(#index),)
    });
    let derive_default = (!api.servers.is_empty()).then(|| quote!(, Default));
    quote! {
        /// The servers the API is served from, or any other base URL.
        #[derive(Debug, Clone, PartialEq, Eq #derive_default)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants)*
            /// Another base URL, such as a mock server's.
            Custom(String),
        }

        impl Environment {
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                match self {
                    #(#urls)*
                    Self::Custom(url) => url,
                }
            }

            fn into_base_url(self) -> BaseUrl {
                match self {
                    #(#indexes)*
                    Self::Custom(url) => BaseUrl::Custom(url),
                }
            }
        }
    }
}

fn api_description(api: &Api, user_agent: &str) -> TokenStream {
    let servers = api.servers.iter().map(|s| &s.url);
    let schemes = api.security_schemes.iter().map(|scheme| {
        let key = &scheme.key;
        let placement = match &scheme.kind {
            SchemeKind::Bearer => quote!(Placement::Bearer),
            SchemeKind::Basic => quote!(Placement::Basic),
            SchemeKind::Header(name) => quote!(Placement::Header(#name)),
            SchemeKind::Query(name) => quote!(Placement::Query(#name)),
            SchemeKind::Cookie(name) => quote!(Placement::Cookie(#name)),
        };
        quote!(SecurityScheme { key: #key, placement: #placement },)
    });
    quote! {
        /// The API as the runtime sees it.
        const API: ApiDescription = ApiDescription {
            servers: &[#(#servers),*],
            schemes: &[#(#schemes)*],
            user_agent: #user_agent,
        };
    }
}

/// A credential setter as the surface describes it; the runtime's `basic`
/// or `token` stores the credential under the scheme's key.
fn credential_setter(scheme: &SecurityScheme, method: &Method) -> TokenStream {
    let name = ident(&method.name);
    let key = &scheme.key;
    let docs = docs(&method.docs);
    let parameters = parameters(method, Scope::Crate);
    let values = method.arguments.iter().map(|argument| {
        let name = ident(&argument.name);
        let name = quote!(#name);
        argument.passing.stored_value(&name).unwrap_or(name)
    });
    let store = match scheme.kind {
        SchemeKind::Basic => quote!(basic),
        SchemeKind::Bearer
        | SchemeKind::Header(_)
        | SchemeKind::Query(_)
        | SchemeKind::Cookie(_) => quote!(token),
    };
    quote! {
        #docs
        pub fn #name(self, #(#parameters),*) -> Self {
            self.#store(#key, #(#values),*)
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::lower::reserved::methods_of;
    use crate::surface::{BUILDER_METHODS, CLIENT_METHODS};

    fn api_without_schemes() -> Api {
        crate::testing::lowered(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n\
             servers: [{url: 'https://a.example'}]\npaths: {}\n",
        )
    }

    /// The lists the generator reserves are the methods this module emits
    /// (with no credential setters, which are named with the list in view).
    #[test]
    fn the_reserved_lists_name_every_emitted_method() {
        let api = api_without_schemes();
        let surface = Surface::of(&api);
        let file: syn::File =
            syn::parse2(client_file(&api, &surface, "agent")).expect("the client module parses");
        let files = [file];
        let client: Vec<String> = methods_of(&files, "Client").into_iter().collect();
        let builder: Vec<String> = methods_of(&files, "ClientBuilder").into_iter().collect();
        assert_eq!(client, CLIENT_METHODS);
        assert_eq!(builder, BUILDER_METHODS);
    }
}
