/* placeholder: being written */
typedef int otaux_placeholder_t;
