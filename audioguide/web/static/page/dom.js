// Making elements: el("button", {type: "button", on: {click}}, "text", child, [more]).
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "on") { for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn); }
    else if (key === "dataset") { Object.assign(node.dataset, value); }
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child));
  return node;
}

export const byId = (id) => document.getElementById(id);
