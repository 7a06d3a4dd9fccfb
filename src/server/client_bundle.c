/* placeholder until scripts/gen-client.sh runs */
const unsigned char rc_client_js[] = "console.log(\"reactc client missing\");";
const unsigned int rc_client_js_len = sizeof(rc_client_js) - 1;
