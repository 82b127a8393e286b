export const id = 638;
export const ids = [638];
export const modules = {

/***/ 8638:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   STATE: () => (/* binding */ STATE)
/* harmony export */ });
/** push-ecr's post-step state keys, in one place. */
const STATE = {
    /** The private DOCKER_CONFIG directory the post step logs out of and deletes. */
    dockerConfig: 'docker-config',
    /** The registry host docker logged in to. */
    registry: 'registry',
};


/***/ })

};
