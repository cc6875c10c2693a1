/* xml.h — XML 1.0 text and attribute escaping: & < > " ' become entities; characters XML 1.0 forbids
 * (control characters other than tab/LF/CR) and invalid UTF-8 become U+FFFD, so output is always well-formed. */
#ifndef AS_UTIL_XML_H
#define AS_UTIL_XML_H
#include "util/buf.h"

void as_xml_escape(struct as_buf *b, const char *s);

#endif
